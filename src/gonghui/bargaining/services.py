"""Every write of the bargaining app. Each takes ``actor=``, checks scope, validates, writes, and
records an audit row in the same transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope
from gonghui.core.writing import check_enterprise, check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.core.writing import reject_unknown as _unknown
from gonghui.organizations.models import Organization

from .choices import AgreementLevel, LetterKind, ProcedureStatus, ReviewStatus
from .models import (
    BargainingLetter,
    BargainingProcedure,
    CongressSession,
    WageAgreement,
    WorkerCongress,
)

# The employer has 20 days to answer an invitation to bargain (集体合同规定 第三十二条); the
# advisory letter gives it 15 more before the matter goes to the authorities.
RESPONSE_DAYS = 20
ADVISORY_DAYS = 15


AGREEMENT_FIELDS = (
    "level",
    "title",
    "employer_party",
    "worker_party",
    "rounds",
    "increase_pct",
    "covered_workers",
    "signed_on",
    "valid_from",
    "valid_until",
    "note",
    "enterprise",
)


def _clean_agreement(actor, agreement: WageAgreement) -> None:
    if (
        agreement.valid_from
        and agreement.valid_until
        and agreement.valid_until < agreement.valid_from
    ):
        raise ValidationError({"valid_until": _("终止日期不能早于生效日期。")})
    if agreement.level == AgreementLevel.ENTERPRISE and agreement.enterprise is None:
        raise ValidationError({"enterprise_id": _("企业集体合同须指定企业。")})
    if agreement.enterprise is not None:
        check_enterprise(actor, agreement.enterprise)
    if agreement.signed_on and agreement.signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("签订日期不能晚于今天。")})
    _full_clean(agreement)


@transaction.atomic
def agreement_create(*, actor, org: Organization, **fields) -> WageAgreement:
    _unknown(fields, AGREEMENT_FIELDS)
    check_org(actor, org)
    agreement = WageAgreement(org=org, **fields)
    _clean_agreement(actor, agreement)
    agreement.save()
    _record(actor, AuditAction.CREATE, agreement, org.path, {})
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement: WageAgreement, **fields) -> WageAgreement:
    _unknown(fields, AGREEMENT_FIELDS)
    require_in_scope(actor, agreement.org.path, Action.CHANGE)
    agreement = WageAgreement.objects.select_for_update().get(pk=agreement.pk)
    before = audit.snapshot(agreement)
    for name, value in fields.items():
        setattr(agreement, name, value)
    _clean_agreement(actor, agreement)
    agreement.save()
    _record(actor, AuditAction.UPDATE, agreement, agreement.org.path, before)
    return agreement


REVIEW_NEXT = {
    ReviewStatus.NOT_SUBMITTED: (ReviewStatus.SUBMITTED,),
    ReviewStatus.RETURNED: (ReviewStatus.SUBMITTED,),
    ReviewStatus.SUBMITTED: (ReviewStatus.APPROVED, ReviewStatus.RETURNED),
    ReviewStatus.APPROVED: (),
}


def review_steps(agreement: WageAgreement) -> tuple[str, ...]:
    """The review statuses the agreement may move to next (the page offers only these)."""
    return REVIEW_NEXT[agreement.review_status]


@transaction.atomic
def agreement_review(
    *, actor, agreement: WageAgreement, status: str, reviewed_on: datetime.date | None = None
) -> WageAgreement:
    """Record the labour bureau's review: submitted, then approved or returned."""
    require_in_scope(actor, agreement.org.path, Action.CHANGE)
    agreement = WageAgreement.objects.select_for_update().get(pk=agreement.pk)
    if status not in review_steps(agreement):
        raise ValidationError({"review_status": _("当前审查状态下不能进行这一步。")})
    before = audit.snapshot(agreement)
    agreement.review_status = status
    agreement.reviewed_on = reviewed_on or timezone.localdate()
    agreement.save()
    _record(actor, AuditAction.UPDATE, agreement, agreement.org.path, before)
    return agreement


@transaction.atomic
def procedure_open(
    *, actor, org: Organization, enterprise, sent_on: datetime.date, note: str = ""
) -> BargainingProcedure:
    """Send the invitation letter (要约函): the employer must answer within 20 days."""
    check_org(actor, org)
    check_enterprise(actor, enterprise)
    if BargainingProcedure.objects.filter(
        enterprise=enterprise, status=ProcedureStatus.OPEN
    ).exists():
        raise ValidationError({"enterprise_id": _("该企业已有进行中的协商要约。")})
    procedure = BargainingProcedure(org=org, enterprise=enterprise)
    procedure.save()
    _record(actor, AuditAction.CREATE, procedure, org.path, {})
    _letter(actor, procedure, LetterKind.INVITATION, sent_on, sent_on + _days(RESPONSE_DAYS), note)
    return procedure


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _letter(actor, procedure, kind, sent_on, due_on, note) -> BargainingLetter:
    letter = BargainingLetter(
        procedure=procedure, kind=kind, sent_on=sent_on, due_on=due_on, note=note
    )
    _full_clean(letter)
    letter.save()
    _record(actor, AuditAction.CREATE, letter, procedure.org.path, {})
    return letter


def letter_kinds_open(procedure: BargainingProcedure) -> tuple[str, ...]:
    """The letters that may be registered next (dates are checked when one is added)."""
    if procedure.status != ProcedureStatus.OPEN:
        return ()
    sent = {letter.kind for letter in procedure.letters.all()}
    kinds = [LetterKind.RESPONSE]
    if LetterKind.ADVISORY not in sent:
        kinds.append(LetterKind.ADVISORY)
    elif LetterKind.NOTICE not in sent:
        kinds.append(LetterKind.NOTICE)
    return tuple(kinds)


@transaction.atomic
def procedure_letter_add(
    *, actor, procedure: BargainingProcedure, kind: str, sent_on: datetime.date, note: str = ""
) -> BargainingLetter:
    """The next letter of 一函两书: the employer's response closes the matter as agreed; without
    one past the deadline, the union sends the advisory letter, then the notice letter."""
    require_in_scope(actor, procedure.org.path, Action.CHANGE)
    procedure = BargainingProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status != ProcedureStatus.OPEN:
        raise ValidationError({"kind": _("该程序已结束。")})
    letters = {letter.kind: letter for letter in procedure.letters.all()}
    if kind in letters:
        raise ValidationError({"kind": _("这份文书已经登记过。")})
    invitation = letters[LetterKind.INVITATION]
    if sent_on < invitation.sent_on:
        raise ValidationError({"sent_on": _("日期不能早于要约函的日期。")})
    before = audit.snapshot(procedure)
    if kind == LetterKind.RESPONSE:
        letter = _letter(actor, procedure, kind, sent_on, None, note)
        procedure.status = ProcedureStatus.AGREED
    elif kind == LetterKind.ADVISORY:
        if sent_on <= invitation.due_on:
            raise ValidationError({"sent_on": _("企业答复期限未到，暂不能发出建议书。")})
        letter = _letter(actor, procedure, kind, sent_on, sent_on + _days(ADVISORY_DAYS), note)
    elif kind == LetterKind.NOTICE:
        advisory = letters.get(LetterKind.ADVISORY)
        if advisory is None:
            raise ValidationError({"kind": _("请先发出建议书。")})
        if sent_on <= advisory.due_on:
            raise ValidationError({"sent_on": _("建议书答复期限未到，暂不能发出告知书。")})
        letter = _letter(actor, procedure, kind, sent_on, None, note)
        procedure.status = ProcedureStatus.ESCALATED
    else:
        raise ValidationError({"kind": _("不是可选的值之一。")})
    procedure.save()
    _record(actor, AuditAction.UPDATE, procedure, procedure.org.path, before)
    return letter


CONGRESS_FIELDS = ("term_number", "term_starts_on", "term_ends_on", "delegates")


@transaction.atomic
def congress_create(*, actor, enterprise, **fields) -> WorkerCongress:
    _unknown(fields, CONGRESS_FIELDS)
    check_enterprise(actor, enterprise)
    starts, ends = fields.get("term_starts_on"), fields.get("term_ends_on")
    if starts and ends and ends <= starts:
        raise ValidationError({"term_ends_on": _("本届结束日期必须晚于开始日期。")})
    term = fields.get("term_number", 1)
    if WorkerCongress.objects.filter(enterprise=enterprise, term_number=term).exists():
        raise ValidationError({"term_number": _("该企业已登记这一届职代会。")})
    congress = WorkerCongress(enterprise=enterprise, org=enterprise.street_org, **fields)
    _full_clean(congress)
    congress.save()
    _record(actor, AuditAction.CREATE, congress, congress.org.path, {})
    return congress


@transaction.atomic
def congress_session_add(
    *,
    actor,
    congress: WorkerCongress,
    held_on: datetime.date,
    attendees: int = 0,
    resolutions: str = "",
) -> CongressSession:
    require_in_scope(actor, congress.org.path, Action.CHANGE)
    if not congress.term_starts_on <= held_on <= congress.term_ends_on:
        raise ValidationError({"held_on": _("会议日期须在本届任期内。")})
    session = CongressSession(
        congress=congress, held_on=held_on, attendees=attendees, resolutions=resolutions
    )
    _full_clean(session)
    session.save()
    _record(actor, AuditAction.CREATE, session, congress.org.path, {})
    return session
