"""Writes to hardship aid (困难帮扶: the local means-test line, applications, the two approvals
and payments) and medical mutual aid (职工医疗互助: units enrolled per year, participants,
claims). Same habits as :mod:`gonghui.cases.services`: keyword-only, ``actor=``, validated,
audited, optimistic locking by version."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from gonghui.cases.models import Case
from gonghui.cases.services import (
    audit_write,
    county_union_for,
    is_case_worker,
    lock_version,
    submitter_channel,
)
from gonghui.core import audit
from gonghui.core.audit import actor_fk, actor_label
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope
from gonghui.members.choices import MemberStatus
from gonghui.organizations.models import Organization

from .choices import AidStatus, ClaimStatus, PaymentMethod
from .models import (
    HardshipApplication,
    HardshipDisbursement,
    HardshipThreshold,
    MutualAidClaim,
    MutualAidEnrolment,
    MutualAidParticipant,
)

PERIOD_RE = re.compile(r"^20\d\d(-(0[1-9]|1[0-2]))?$")
MONEY_CAP = Decimal("100000000")


def _money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请输入金额。")}) from None
    if not amount.is_finite() or amount >= MONEY_CAP or amount < 0:
        raise ValidationError({field: _("金额超出范围。")})
    if amount == 0 and not allow_zero:
        raise ValidationError({field: _("金额必须大于0。")})
    return amount


def threshold_for(union: Organization) -> Decimal | None:
    """The means-test line that applies to ``union``: its own, else the nearest one above."""
    row = (
        HardshipThreshold.objects.filter(union__path__in=[union.path, *union.ancestor_paths()])
        .order_by("-union__depth")
        .first()
    )
    return row.monthly_income_per_capita if row else None


@transaction.atomic
def hardship_threshold_set(*, actor, union: Organization, amount) -> HardshipThreshold:
    require_in_scope(actor, union.path, Action.CHANGE)
    amount = _money(amount, "monthly_income_per_capita", allow_zero=True)
    row = HardshipThreshold.objects.select_for_update().filter(union=union).first()
    before = audit.snapshot(row) if row else {}
    row = row or HardshipThreshold(union=union)
    row.monthly_income_per_capita = amount
    row.full_clean()
    row.save()
    audit_write(
        actor, AuditAction.UPDATE if before else AuditAction.CREATE, row, union.path, before
    )
    return row


def _clean_household(household) -> tuple[list[dict], Decimal]:
    if not isinstance(household, list) or not household:
        raise ValidationError({"household": _("请填写家庭成员（含申请人本人）。")})
    if len(household) > 20:
        raise ValidationError({"household": _("家庭成员太多。")})
    rows, total = [], Decimal(0)
    for person in household:
        if not isinstance(person, dict):
            raise ValidationError({"household": _("家庭成员格式不正确。")})
        name = str(person.get("name", "")).strip()[:60]
        relation = str(person.get("relation", "")).strip()[:20]
        if not name or not relation:
            raise ValidationError({"household": _("每位家庭成员都要填写姓名和关系。")})
        income = _money(person.get("monthly_income", 0), "household", allow_zero=True)
        rows.append({"name": name, "relation": relation, "monthly_income": str(income)})
        total += income
    return rows, total


def _locked_application(application, expected_version):
    rows = HardshipApplication.objects.select_related("union", "county_union", "member")
    return lock_version(rows, application.pk, expected_version)


def _audit_application(actor, action, application, before) -> None:
    audit_write(actor, action, application, application.union.path, before)


def hardship_apply(
    *,
    actor,
    member,
    period: str,
    reason: str,
    household: list[dict],
    requested_amount,
    case: Case | None = None,
) -> HardshipApplication:
    """An application with the household and its income; the means check runs at once against
    the local line and is recorded with the line used, so a later change of line is visible."""
    submitter_channel(actor, member)
    errors = {}
    period = (period or "").strip()
    if not PERIOD_RE.match(period):
        errors["period"] = [_("帮扶期间格式为 2026 或 2026-01。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请说明困难情况。")]
    if errors:
        raise ValidationError(errors)
    rows, income = _clean_household(household)
    requested = _money(requested_amount, "requested_amount")
    threshold = threshold_for(member.union)
    per_capita = income / len(rows)
    application = HardshipApplication(
        member=member,
        union=member.union,
        county_union=county_union_for(member.union),
        case=case,
        period=period,
        reason=reason.strip(),
        household=rows,
        household_size=len(rows),
        household_monthly_income=income,
        threshold=threshold,
        means_ok=threshold is not None and per_capita <= threshold,
        requested_amount=requested,
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            if (
                HardshipApplication.objects.filter(member=member, period=period)
                .exclude(status=AidStatus.REJECTED)
                .exists()
            ):
                raise IntegrityError("live application exists")
            application.save()
            _audit_application(actor, AuditAction.CREATE, application, {})
    except IntegrityError:
        raise ValidationError({"period": _("该会员在这一期间已有帮扶申请。")}) from None
    return application


def hardship_approve(
    *,
    actor,
    application: HardshipApplication,
    expected_version: int | None,
    approved_amount=None,
    note: str = "",
) -> HardshipApplication:
    """One step of the chain: the grassroots union checks, then the county union approves the
    amount. The same person cannot take both steps."""
    with transaction.atomic():
        application = _locked_application(application, expected_version)
        before = audit.snapshot(application)
        now = timezone.now()
        if application.status == AidStatus.SUBMITTED:
            require_in_scope(actor, application.union.path, Action.CHANGE)
            if not application.means_ok:
                raise ValidationError({"household": _("家庭人均收入高于当地认定标准。")})
            application.status = AidStatus.GRASSROOTS_APPROVED
            application.grassroots_approver = actor_fk(actor)
            application.grassroots_approved_at = now
        elif application.status == AidStatus.GRASSROOTS_APPROVED:
            require_in_scope(actor, application.county_union.path, Action.CHANGE)
            if actor_fk(actor) is not None and actor.pk == application.grassroots_approver_id:
                raise ValidationError({"__all__": _("基层审核人不能再做县级审批。")})
            if approved_amount is None:
                raise ValidationError({"approved_amount": _("请填写批准金额。")})
            amount = _money(approved_amount, "approved_amount")
            if amount > application.requested_amount:
                raise ValidationError({"approved_amount": _("批准金额不能超过申请金额。")})
            application.status = AidStatus.APPROVED
            application.approved_amount = amount
            application.county_approver = actor_fk(actor)
            application.county_approved_at = now
        else:
            require_in_scope(actor, application.union.path, Action.VIEW)
            raise ValidationError({"status": _("该申请已审批完毕。")})
        application.decision_note = (note or "").strip()[:500]
        application.version += 1
        application.save()
        _audit_application(actor, AuditAction.UPDATE, application, before)
    return application


def hardship_reject(
    *, actor, application: HardshipApplication, expected_version: int | None, note: str
) -> HardshipApplication:
    with transaction.atomic():
        application = _locked_application(application, expected_version)
        step_union = (
            application.union
            if application.status == AidStatus.SUBMITTED
            else application.county_union
        )
        require_in_scope(actor, step_union.path, Action.CHANGE)
        if application.status not in (AidStatus.SUBMITTED, AidStatus.GRASSROOTS_APPROVED):
            raise ValidationError({"status": _("该申请已审批完毕。")})
        if not (note or "").strip():
            raise ValidationError({"note": _("请说明不予批准的理由。")})
        before = audit.snapshot(application)
        application.status = AidStatus.REJECTED
        application.decision_note = note.strip()[:500]
        application.version += 1
        application.save()
        _audit_application(actor, AuditAction.UPDATE, application, before)
    return application


def hardship_disburse(
    *,
    actor,
    application: HardshipApplication,
    amount,
    paid_on: datetime.date,
    method: str,
    note: str = "",
) -> HardshipDisbursement:
    """Record a payment. Refused over the approved amount, before approval, and (by a database
    constraint, so even two clerks at once cannot) twice for one member and period."""
    require_in_scope(actor, application.county_union.path, Action.CHANGE)
    amount = _money(amount, "amount")
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("不是可选的值之一。")})
    try:
        with transaction.atomic():
            application = _locked_application(application, None)
            if application.status != AidStatus.APPROVED:
                raise ValidationError({"status": _("申请尚未批准，不能发放。")})
            paid = application.disbursements.aggregate(total=Sum("amount"))["total"] or 0
            if paid + amount > application.approved_amount:
                raise ValidationError(
                    {
                        "amount": _t("发放金额超过批准金额（%(approved)s元，已发放%(paid)s元）。")
                        % {"approved": application.approved_amount, "paid": paid}
                    }
                )
            payment = HardshipDisbursement(
                application=application,
                member=application.member,
                period=application.period,
                amount=amount,
                paid_on=paid_on,
                method=method,
                approver=actor_fk(actor),
                approver_label=actor_label(actor),
                note=(note or "").strip()[:300],
            )
            payment.full_clean(validate_constraints=False)
            payment.save()
            audit_write(actor, AuditAction.CREATE, payment, application.union.path, {})
    except IntegrityError:
        raise ValidationError({"period": _("该会员在这一期间已领取过帮扶资金。")}) from None
    return payment


# ---- Medical mutual aid ------------------------------------------------------------------------


def mutual_aid_enrol(
    *, actor, union: Organization, unit_name: str, year: int, participants: int
) -> MutualAidEnrolment:
    require_in_scope(actor, union.path, Action.CHANGE)
    row = MutualAidEnrolment(
        union=union, unit_name=(unit_name or "").strip(), year=year, participants=participants
    )
    row.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
            audit_write(actor, AuditAction.CREATE, row, union.path, {})
    except IntegrityError:
        raise ValidationError({"unit_name": _("该单位本年度已参加医疗互助。")}) from None
    return row


def enrolments_open_to(member, year: int):
    """The units enrolled for ``year`` by the member's own union or a union above it: those a
    worker may take part through."""
    paths = [member.union.path, *member.union.ancestor_paths()]
    return MutualAidEnrolment.objects.filter(union__path__in=paths, year=year).select_related(
        "union"
    )


def mutual_aid_participant_add(
    *, actor, enrolment: MutualAidEnrolment, member
) -> MutualAidParticipant:
    """A member takes part for the enrolment's year: the worker themselves (through a unit of
    their own union or one above it), or an officer of the enrolling union for a member in
    their scope. Once a year per member."""
    if is_case_worker(actor, member):
        if not enrolments_open_to(member, enrolment.year).filter(pk=enrolment.pk).exists():
            raise ValidationError({"enrolment_id": _("您所在工会没有组织这个单位参加医疗互助。")})
    else:
        require_in_scope(actor, enrolment.union.path, Action.CHANGE)
        require_in_scope(actor, member.union.path, Action.CHANGE)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member_id": _("会籍状态不正常，不能参加。")})
    row = MutualAidParticipant(
        enrolment=enrolment, member=member, year=enrolment.year, added_by=actor_fk(actor)
    )
    try:
        with transaction.atomic():
            row.save()
            audit_write(actor, AuditAction.CREATE, row, enrolment.union.path, {})
    except IntegrityError:
        raise ValidationError({"member_id": _("该会员本年度已参加医疗互助。")}) from None
    return row


def mutual_aid_claim_file(
    *, actor, participant: MutualAidParticipant, illness: str, hospital: str, medical_cost,
    claimed_amount,
) -> MutualAidClaim:  # fmt: skip
    """A claim for medical costs by a participant (or at the hall for them); the amount claimed
    cannot exceed the costs."""
    submitter_channel(actor, participant.member)
    errors = {}
    illness, hospital = (illness or "").strip()[:200], (hospital or "").strip()[:200]
    if not illness:
        errors["illness"] = [_("请填写病种或伤情。")]
    if not hospital:
        errors["hospital"] = [_("请填写就诊医院。")]
    try:
        cost = _money(medical_cost, "medical_cost")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cost = None
    try:
        claimed = _money(claimed_amount, "claimed_amount")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        claimed = None
    if cost is not None and claimed is not None and claimed > cost:
        errors["claimed_amount"] = [_("申请金额不能超过医疗费用。")]
    if errors:
        raise ValidationError(errors)
    claim = MutualAidClaim(
        participant=participant, illness=illness, hospital=hospital, medical_cost=cost,
        claimed_amount=claimed,
    )  # fmt: skip
    with transaction.atomic():
        claim.save()
        path = participant.enrolment.union.path
        audit_write(actor, AuditAction.CREATE, claim, path, {})
    return claim


def _locked_claim(claim: MutualAidClaim, expected_version: int | None) -> MutualAidClaim:
    rows = MutualAidClaim.objects.select_related(
        "participant__enrolment__union", "participant__member"
    )
    return lock_version(rows, claim.pk, expected_version)


def _claim_saved(actor, claim: MutualAidClaim, before: dict) -> None:
    claim.version += 1
    claim.save()
    path = claim.participant.enrolment.union.path
    audit_write(actor, AuditAction.UPDATE, claim, path, before)


def mutual_aid_claim_decide(
    *, actor, claim: MutualAidClaim, expected_version: int | None, approve: bool,
    approved_amount=None, note: str = "",
) -> MutualAidClaim:  # fmt: skip
    """The organising union approves an amount (up to the claim) or refuses with a reason."""
    require_in_scope(actor, claim.participant.enrolment.union.path, Action.CHANGE)
    with transaction.atomic():
        claim = _locked_claim(claim, expected_version)
        if claim.status != ClaimStatus.SUBMITTED:
            raise ValidationError({"status": _("该申领已审核。")})
        before = audit.snapshot(claim)
        note = (note or "").strip()[:500]
        if approve:
            if approved_amount in (None, ""):
                raise ValidationError({"approved_amount": _("请填写核定金额。")})
            amount = _money(approved_amount, "approved_amount")
            if amount > claim.claimed_amount:
                raise ValidationError({"approved_amount": _("核定金额不能超过申请金额。")})
            claim.status, claim.approved_amount = ClaimStatus.APPROVED, amount
        else:
            if not note:
                raise ValidationError({"note": _("请说明不予支付的理由。")})
            claim.status = ClaimStatus.REJECTED
        claim.decision_note = note
        claim.decided_by = actor_fk(actor)
        _claim_saved(actor, claim, before)
    return claim


def mutual_aid_claim_pay(
    *, actor, claim: MutualAidClaim, paid_on: datetime.date, method: str
) -> MutualAidClaim:
    """Record the payment of an approved claim (once: a paid claim is not paid again)."""
    require_in_scope(actor, claim.participant.enrolment.union.path, Action.CHANGE)
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("不是可选的值之一。")})
    with transaction.atomic():
        claim = _locked_claim(claim, None)
        if claim.status != ClaimStatus.APPROVED:
            raise ValidationError({"status": _("只有已核定的申领可以支付。")})
        before = audit.snapshot(claim)
        claim.status, claim.paid_on, claim.method = ClaimStatus.PAID, paid_on, method
        claim.paid_by = actor_fk(actor)
        _claim_saved(actor, claim, before)
    return claim
