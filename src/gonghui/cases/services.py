"""Every write to cases and aid. Each takes ``actor=``, checks who may do it, validates, writes,
and records a timeline row (``CaseEvent``) and an audit row in the same transaction.

Optimistic locking: a state change names the ``expected_version`` of the case it was based on;
if someone else changed the case meanwhile, :class:`Conflict` is raised and nothing is written.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.choices import OFFICER_ROLES
from gonghui.core import audit, figures
from gonghui.core.audit import actor_fk, actor_label
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM, Action, require_in_scope, scope_for
from gonghui.members.choices import MemberStatus
from gonghui.organizations.choices import LEVEL_RANK, OrgLevel
from gonghui.organizations.models import Organization

from . import calendar, uploads
from .choices import (
    OPEN_STATUSES,
    AidStatus,
    CaseStatus,
    Channel,
    EventKind,
    HandlingLevel,
    PaymentMethod,
)
from .forms_spec import clean_answers
from .models import (
    Attachment,
    Case,
    CaseEvent,
    CaseType,
    HardshipApplication,
    HardshipDisbursement,
    HardshipThreshold,
    Holiday,
    MutualAidEnrolment,
    Notification,
)
from .notify import notify


class Conflict(Exception):
    """The object changed since the caller read it (optimistic locking)."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version

    @property
    def message(self) -> str:
        return _t("该事项刚被其他人更新（当前版本 %(version)s），请刷新后重试。") % {
            "version": self.current_version
        }


WORKER, OFFICER = "worker", "officer"

# (from, to) -> who may make the move. Anything not listed is refused with a field error.
TRANSITIONS = {
    (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED): OFFICER,
    (CaseStatus.SUBMITTED, CaseStatus.REJECTED): OFFICER,
    (CaseStatus.SUBMITTED, CaseStatus.WITHDRAWN): WORKER,
    (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS): OFFICER,
    (CaseStatus.ACCEPTED, CaseStatus.RESOLVED): OFFICER,
    (CaseStatus.ACCEPTED, CaseStatus.REJECTED): OFFICER,
    (CaseStatus.ACCEPTED, CaseStatus.WITHDRAWN): WORKER,
    (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED): OFFICER,
    (CaseStatus.IN_PROGRESS, CaseStatus.WITHDRAWN): WORKER,
    (CaseStatus.RESOLVED, CaseStatus.CLOSED): WORKER,
}

# The worker hears about these; internal moves between officers' own states are not news.
WORKER_NEWS = {
    CaseStatus.ACCEPTED: _("您的诉求已受理"),
    CaseStatus.IN_PROGRESS: _("您的诉求正在办理"),
    CaseStatus.RESOLVED: _("您的诉求已办结，请评价"),
    CaseStatus.REJECTED: _("您的诉求未予受理"),
}


def is_case_worker(user, member) -> bool:
    """Whether ``user`` is the worker this member record belongs to (account, or phone)."""
    if user is None or not getattr(user, "is_authenticated", False) or user is SYSTEM:
        return False
    if member.account_id is not None:
        return member.account_id == user.pk
    return bool(user.phone) and user.phone == member.phone


def worker_user_for(member):
    from gonghui.accounts.models import User

    if member.account_id:
        return member.account
    return User.objects.filter(phone=member.phone, is_active=True).first()


def officers_of(union: Organization):
    from gonghui.accounts.models import User

    return User.objects.filter(organization=union, role__in=OFFICER_ROLES, is_active=True)


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _tell_worker(case: Case, title, body: str = "") -> None:
    notify(
        user=worker_user_for(case.member),
        phone=case.member.phone,
        case=case,
        title=title,
        body=f"{case.reference} {body}".strip(),
        url=_case_url(case),
    )


def _tell_officers(case: Case, union: Organization, title, body: str = "") -> None:
    for officer in officers_of(union):
        notify(
            user=officer,
            case=case,
            title=title,
            body=f"{case.reference} {body}".strip(),
            url=_case_url(case),
        )


# ---- Routing and deadlines ---------------------------------------------------------------------


def route(*, member, case_type: CaseType) -> Organization:
    """The union that handles a new case: the member's own union, or for county-level types the
    nearest county union above it (a member of a county or higher union stays with it)."""
    union = member.union
    if case_type.handling_level != HandlingLevel.COUNTY:
        return union
    if LEVEL_RANK[union.level] <= LEVEL_RANK[OrgLevel.COUNTY]:
        return union
    counties = [org for org in union.ancestors() if org.level == OrgLevel.COUNTY]
    return counties[-1] if counties else union


def _deadline(start: datetime.date, days: int) -> datetime.date:
    return calendar.add_workdays(start, days, calendar.exceptions(start))


# ---- Cases -------------------------------------------------------------------------------------


def _event(case: Case, kind, *, actor, public=True, note="", before="", after="", **unions):
    return CaseEvent.record(
        actor=actor,
        case=case,
        kind=kind,
        public=public,
        note=note,
        status_before=before,
        status_after=after,
        version=case.version,
        **unions,
    )


def _audit_case(actor, action, case: Case, before: dict) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=case,
        org_path=case.handling_union.path,
        changes=audit.diff(before, audit.snapshot(case)),
    )
    figures.case_written(before, case)  # the cockpit's figures, same transaction


def _locked(case: Case, expected_version: int | None) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_union", "member", "case_type")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(locked.version)
    return locked


def _submitter_channel(actor, member) -> str:
    if is_case_worker(actor, member):
        return Channel.ONLINE
    if actor is SYSTEM or scope_for(actor, Action.CHANGE).covers(member.union.path):
        return Channel.HALL
    raise Http404


def case_submit(
    *,
    actor,
    member,
    case_type: CaseType,
    description: str,
    title: str = "",
    form_data: dict | None = None,
    files=(),
    today: datetime.date | None = None,
) -> Case:
    """A member's appeal, from their phone or by an officer at the hall on their behalf.

    Everything is checked (type, answers, every file's content and size) before anything is
    written, so a bad attachment leaves no half-made case behind."""
    channel = _submitter_channel(actor, member)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member_id": _("会籍状态不正常，暂不能提交诉求。")})
    if not case_type.is_active:
        raise ValidationError({"case_type": _("该诉求类型已停用。")})
    errors = {}
    try:
        answers = clean_answers(case_type.form_fields, form_data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        answers = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("请说明您的诉求。")]
    checked = []
    for upload in files:
        try:
            checked.append(uploads.check(upload))
        except ValidationError as exc:
            errors.setdefault("file", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    days_off = calendar.exceptions(today)
    with transaction.atomic():
        union = route(member=member, case_type=case_type)
        case = Case(
            member=member,
            case_type=case_type,
            handling_union=union,
            submitted_by=actor_fk(actor),
            channel=channel,
            title=(title or "").strip()[:100] or case_type.name,
            description=description,
            form_data=answers,
            submitted_on=today,
            ack_due=calendar.add_workdays(today, case_type.ack_days, days_off),
            resolve_due=calendar.add_workdays(today, case_type.resolve_days, days_off),
        )
        case.due_on = case.ack_due
        case.full_clean()
        case.save()
        _event(case, EventKind.SUBMITTED, actor=actor, after=CaseStatus.SUBMITTED)
        _event(case, EventKind.ASSIGNED, actor=actor, to_union=union)
        for check in checked:
            _attach(case, check, actor=actor, public=True)
        _audit_case(actor, AuditAction.CREATE, case, {})
        _tell_worker(
            case,
            _("您的诉求已提交"),
            _t("由%(union)s办理，%(due)s前受理。") % {"union": union.name, "due": case.ack_due},
        )
        _tell_officers(case, union, _("新诉求待受理"), case.title)
    return case


def _require_officer(actor, case: Case) -> None:
    require_in_scope(actor, case.handling_union.path, Action.CHANGE)


def notifications_mark_read(*, actor, notification_ids=None, up_to_id=None) -> int:
    """Mark ``actor``'s own unread messages read: those ids, or all up to the newest one the
    reader saw. Anyone else's ids are passed over as if they did not exist. How many."""
    rows = Notification.objects.filter(user_id=getattr(actor, "pk", None), read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    if up_to_id is not None:
        rows = rows.filter(pk__lte=up_to_id)
    return rows.update(read_at=timezone.now())


def case_role(user, case: Case) -> str | None:
    """WORKER for the worker whose case it is, OFFICER for an officer who may change it (the
    handling union is in their scope), None for anyone else."""
    if is_case_worker(user, case.member):
        return WORKER
    if user is not None and scope_for(user, Action.CHANGE).covers(case.handling_union.path):
        return OFFICER
    return None


def case_allowed_transitions(*, case: Case, user) -> list[str]:
    """The statuses ``user`` may move ``case`` to from where it stands, in the order of
    :data:`TRANSITIONS`: what a page offers and what :func:`case_transition` accepts."""
    role = case_role(user, case)
    if role is None:
        return []
    return [to for (frm, to), who in TRANSITIONS.items() if frm == case.status and who == role]


def _require_party(actor, case: Case) -> str:
    """WORKER or OFFICER for someone who may act on the case; 404 for anyone else."""
    role = case_role(actor, case)
    if role is None:
        raise Http404
    return role


def case_transition(
    *,
    actor,
    case: Case,
    to_status: str,
    expected_version: int | None,
    reason: str = "",
    rating: int | None = None,
    comment: str = "",
) -> Case:
    role = _require_party(actor, case)
    with transaction.atomic():
        case = _locked(case, expected_version)
        allowed = TRANSITIONS.get((case.status, to_status))
        if allowed is None:
            raise ValidationError(
                {
                    "to_status": _t("不能从“%(a)s”变为“%(b)s”。")
                    % {
                        "a": CaseStatus(case.status).label,
                        "b": CaseStatus(to_status).label
                        if to_status in CaseStatus.values
                        else to_status,
                    }
                }
            )
        if allowed != role:
            raise ValidationError(
                {
                    "to_status": _("只有提出诉求的职工本人可以这样做。")
                    if allowed == WORKER
                    else _("只有承办工会的干部可以这样做。")
                }
            )
        before = audit.snapshot(case)
        now = timezone.now()
        reason = (reason or "").strip()
        if to_status == CaseStatus.REJECTED:
            if not reason:
                raise ValidationError({"reason": _("不予受理必须说明理由。")})
            case.reject_reason = reason[:500]
        if to_status == CaseStatus.CLOSED:
            if rating is None:
                raise ValidationError({"rating": _("请为办理结果打分（1-5分）。")})
            if not isinstance(rating, int) or not 1 <= rating <= 5:
                raise ValidationError({"rating": _("评分必须是1到5之间的整数。")})
            case.rating = rating
            case.rating_comment = (comment or "").strip()[:500]
            case.closed_at = now
        if to_status == CaseStatus.ACCEPTED:
            case.accepted_at = now
            case.due_on = case.resolve_due
        if to_status == CaseStatus.RESOLVED:
            case.resolved_at = now
        if to_status not in OPEN_STATUSES:
            case.due_on = None
        status_before = case.status
        case.status = to_status
        case.version += 1
        case.full_clean()
        case.save()
        body = reason or (comment if to_status == CaseStatus.CLOSED else "")
        _event(
            case, EventKind.STATUS, actor=actor, before=status_before, after=to_status, note=body
        )
        _audit_case(actor, AuditAction.UPDATE, case, before)
        if to_status in WORKER_NEWS:
            _tell_worker(case, WORKER_NEWS[to_status], reason)
        elif role == WORKER:
            _tell_officers(case, case.handling_union, CaseStatus(to_status).label, case.title)
    return case


def case_reassign(
    *, actor, case: Case, union: Organization, expected_version: int | None, note: str = ""
) -> Case:
    """Hand a case to another union within the officer's own scope; the worker sees the move."""
    _require_officer(actor, case)
    if not scope_for(actor, Action.CHANGE).covers(union.path):
        raise ValidationError({"union_id": _("该工会不存在或不在您的管辖范围内。")})
    if not union.is_active:
        raise ValidationError({"union_id": _("该工会已撤销。")})
    with transaction.atomic():
        case = _locked(case, expected_version)
        if not case.is_open:
            raise ValidationError({"union_id": _("已结束的诉求不能转办。")})
        if case.handling_union_id == union.pk:
            raise ValidationError({"union_id": _("诉求已由该工会承办。")})
        before = audit.snapshot(case)
        previous = case.handling_union
        case.handling_union = union
        case.version += 1
        case.save()
        _event(
            case,
            EventKind.REASSIGNED,
            actor=actor,
            from_union=previous,
            to_union=union,
            note=(note or "").strip()[:500],
        )
        _audit_case(actor, AuditAction.MOVE, case, before)
        _tell_worker(case, _("您的诉求已转交办理"), union.name)
        _tell_officers(case, union, _("转来诉求待办理"), case.title)
    return case


def case_reply(*, actor, case: Case, body: str, internal: bool = False) -> CaseEvent:
    """A reply the worker sees, or (officers only) an internal note. Replies change no state, so
    two people writing at once both land: they take no version."""
    role = _require_party(actor, case)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请输入内容。")})
    if len(body) > 5000:
        raise ValidationError({"body": _("内容太长。")})
    if role == WORKER and internal:
        raise ValidationError({"internal": _("只有工会干部可以写内部备注。")})
    if role == WORKER and case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        raise ValidationError({"body": _("诉求已结束，不能再留言。")})
    with transaction.atomic():
        case = Case.objects.select_related("handling_union", "member").get(pk=case.pk)
        event = CaseEvent.record(
            actor=actor,
            case=case,
            kind=EventKind.NOTE if internal else EventKind.REPLY,
            public=not internal,
            note=body,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=event,
            org_path=case.handling_union.path,
            changes=audit.diff({}, audit.snapshot(event)),
        )
        if role == OFFICER and not internal:
            _tell_worker(case, _("工会答复了您的诉求"), body[:80])
        elif role == WORKER:
            _tell_officers(case, case.handling_union, _("职工留言"), body[:80])
    return event


def _attach(case: Case, check: uploads.Checked, *, actor, public: bool) -> Attachment:
    attachment = Attachment(
        case=case,
        original_name=check.name,
        content_type=check.content_type,
        extension=check.extension,
        size=check.size,
        public=public,
        uploaded_by=actor_fk(actor),
    )
    attachment.file.save(attachment_name(attachment), check.upload, save=False)
    attachment.save()
    _event(case, EventKind.ATTACHMENT, actor=actor, public=public, note=check.name)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=attachment,
        org_path=case.handling_union.path,
        changes=audit.diff({}, audit.snapshot(attachment, ATTACHMENT_AUDIT_FIELDS)),
    )
    return attachment


ATTACHMENT_AUDIT_FIELDS = ("case", "original_name", "content_type", "size", "public")


def attachment_name(attachment: Attachment) -> str:
    return f"upload.{attachment.extension}"


def case_attach(*, actor, case: Case, upload, public: bool = True) -> Attachment:
    role = _require_party(actor, case)
    if role == WORKER:
        public = True
    check = uploads.check(upload)
    with transaction.atomic():
        case = Case.objects.select_related("handling_union").get(pk=case.pk)
        return _attach(case, check, actor=actor, public=public)


# ---- Escalation --------------------------------------------------------------------------------


def case_escalate_overdue(*, today: datetime.date | None = None, actor=SYSTEM) -> int:
    """Every open case past its deadline: marked overdue and moved up to the parent union's queue
    with a fresh acknowledgement deadline; both unions' officers and the worker are told.

    Idempotent: a case is acted on once per deadline (``overdue_for``), and an escalated case
    has a new deadline in the future, so running the job again the same day changes nothing."""
    today = today or timezone.localdate()
    due = (
        Case.objects.open()
        .filter(due_on__lt=today)
        .exclude(overdue_for__isnull=False, overdue_for=F("due_on"))
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in list(due):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("handling_union__parent", "member", "case_type")
                .get(pk=pk)
            )
            if not case.is_open or case.due_on is None or case.due_on >= today:
                continue
            if case.overdue_for == case.due_on:
                continue
            before = audit.snapshot(case)
            old_union, parent = case.handling_union, case.handling_union.parent
            missed = case.due_on
            case.overdue_for = missed
            case.version += 1
            _event(
                case,
                EventKind.OVERDUE,
                actor=actor,
                public=False,
                note=_t("已超过办理期限（%(due)s）。") % {"due": missed},
            )
            if parent is not None and parent.is_active:
                case.handling_union = parent
                case.escalation_count += 1
                fresh = _deadline(today, max(case.case_type.ack_days, 1))
                case.due_on = fresh
                if case.status == CaseStatus.SUBMITTED:
                    case.ack_due = fresh
                else:
                    case.resolve_due = fresh
                case.save()
                _event(
                    case,
                    EventKind.ESCALATED,
                    actor=actor,
                    from_union=old_union,
                    to_union=parent,
                )
                _audit_case(actor, AuditAction.MOVE, case, before)
                _tell_officers(case, parent, _("超期诉求上报至本级"), case.title)
                _tell_officers(case, old_union, _("诉求超期已上报上级工会"), case.title)
                _tell_worker(case, _("您的诉求已由上级工会督办"), parent.name)
            else:
                case.save()
                _audit_case(actor, AuditAction.UPDATE, case, before)
                _tell_officers(case, old_union, _("诉求已超期"), case.title)
            done += 1
    return done


# ---- Case types --------------------------------------------------------------------------------

CASE_TYPE_FIELDS = (
    "name",
    "description",
    "handling_level",
    "ack_days",
    "resolve_days",
    "form_fields",
    "is_active",
    "sort_order",
)


def can_configure(actor) -> bool:
    from gonghui.accounts.choices import Role

    if scope_for(actor, Action.CHANGE).everything:
        return True
    return getattr(actor, "role", None) in (Role.PROVINCE_OFFICER, Role.NATIONAL_OFFICER)


@transaction.atomic
def case_type_save(*, actor, case_type: CaseType | None = None, **fields) -> CaseType:
    """Create or change a case type (province officers and above: the types are shared)."""
    if not can_configure(actor):
        raise Http404
    unknown = set(fields) - {*CASE_TYPE_FIELDS, "code"}
    if unknown or (case_type is not None and "code" in fields):
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    creating = case_type is None
    if creating:
        case_type = CaseType()
    else:
        case_type = CaseType.objects.select_for_update().get(pk=case_type.pk)
    before = {} if creating else audit.snapshot(case_type)
    for name, value in fields.items():
        setattr(case_type, name, value)
    case_type.full_clean()
    if case_type.resolve_days < case_type.ack_days:
        raise ValidationError({"resolve_days": _("办结时限不能短于受理时限。")})
    case_type.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        instance=case_type,
        org_path="",
        changes=audit.diff(before, audit.snapshot(case_type)),
    )
    return case_type


@transaction.atomic
def holiday_set(*, actor, date: datetime.date, kind: str | None, name: str = "") -> Holiday | None:
    """Declare a day a holiday or a make-up workday (``kind=None`` removes the exception).
    Deadlines already set keep their dates; new ones count with the change."""
    if not can_configure(actor):
        raise Http404
    row = Holiday.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(row) if row else {}
    if kind is None:
        if row is not None:
            audit.record(
                actor=actor, action=AuditAction.DELETE, instance=row, org_path="",
                changes=audit.diff(before, {}),
            )  # fmt: skip
            row.delete()
        return None
    row = row or Holiday(date=date)
    row.kind = kind
    row.name = (name or "").strip()[:40]
    row.full_clean(validate_unique=False)
    row.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        instance=row,
        org_path="",
        changes=audit.diff(before, audit.snapshot(row)),
    )
    return row


# ---- Hardship aid ------------------------------------------------------------------------------

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
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        instance=row,
        org_path=union.path,
        changes=audit.diff(before, audit.snapshot(row)),
    )
    return row


def county_union_for(union: Organization) -> Organization:
    if LEVEL_RANK[union.level] <= LEVEL_RANK[OrgLevel.COUNTY]:
        return union
    counties = [org for org in union.ancestors() if org.level == OrgLevel.COUNTY]
    return counties[-1] if counties else union


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
    locked = (
        HardshipApplication.objects.select_for_update(of=("self",))
        .select_related("union", "county_union", "member")
        .get(pk=application.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(locked.version)
    return locked


def _audit_application(actor, action, application, before) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=application,
        org_path=application.union.path,
        changes=audit.diff(before, audit.snapshot(application)),
    )


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
    _submitter_channel(actor, member)
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
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=payment,
                org_path=application.union.path,
                changes=audit.diff({}, audit.snapshot(payment)),
            )
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
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=row,
                org_path=union.path,
                changes=audit.diff({}, audit.snapshot(row)),
            )
    except IntegrityError:
        raise ValidationError({"unit_name": _("该单位本年度已参加医疗互助。")}) from None
    return row
