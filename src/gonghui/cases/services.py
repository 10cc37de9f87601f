"""Every write to cases. Each takes ``actor=``, checks who may do it, validates, writes,
and records a timeline row (``CaseEvent``) and an audit row in the same transaction.

Optimistic locking: a state change names the ``expected_version`` of the case it was based on;
if someone else changed the case meanwhile, :class:`Conflict` is raised and nothing is written.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.choices import OFFICER_ROLES
from gonghui.accounts.models import User
from gonghui.core import audit, figures, ratelimit
from gonghui.core.audit import actor_fk
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM, Action, require_in_scope, scope_for
from gonghui.members.choices import MemberStatus
from gonghui.members.selectors import propose_unions
from gonghui.organizations.choices import LEVEL_RANK, OrgLevel
from gonghui.organizations.models import Organization

from . import calendar, uploads
from .choices import (
    OPEN_STATUSES,
    CaseStatus,
    Channel,
    EventKind,
    HandlingLevel,
)
from .forms_spec import clean_answers
from .models import (
    Attachment,
    Case,
    CaseEvent,
    CaseType,
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

# Appeals from one phone that is not a member's (settings.RATE_LIMITS).
APPEAL_LIMIT = "appeal_phone"

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


def _signed_in_worker(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user is not SYSTEM


def is_case_worker(user, member) -> bool:
    """Whether ``user`` is the worker this member record belongs to (account, or phone)."""
    if not _signed_in_worker(user):
        return False
    if member.account_id is not None:
        return member.account_id == user.pk
    return bool(user.phone) and user.phone == member.phone


def is_case_applicant(user, case: Case) -> bool:
    """Whether ``user`` raised ``case``: the member's own worker, or for a non-member's case
    the account signed in with the phone it was raised from."""
    if case.member_id is not None:
        return is_case_worker(user, case.member)
    return _signed_in_worker(user) and bool(user.phone) and user.phone == case.applicant_phone


def worker_user_for(member):
    if member.account_id:
        return member.account
    return User.objects.filter(phone=member.phone, is_active=True).first()


def officers_of(union: Organization):
    return User.objects.filter(organization=union, role__in=OFFICER_ROLES, is_active=True)


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _tell_worker(case: Case, title, body: str = "") -> None:
    if case.member_id is None:
        user = User.objects.filter(phone=case.applicant_phone, is_active=True).first()
        phone = case.applicant_phone
    else:
        user, phone = worker_user_for(case.member), case.member.phone
    notify(
        user=user,
        phone=phone,
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
    if case_type.handling_level != HandlingLevel.COUNTY:
        return member.union
    return county_union_for(member.union)


def county_union_for(union: Organization) -> Organization:
    """The nearest county union at or above ``union`` (a county or higher union is its own)."""
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


def audit_write(actor, action, instance, org_path: str, before: dict) -> None:
    """The audit row of a write: what changed from ``before`` ({} for a new row) to now."""
    audit.record(
        actor=actor,
        action=action,
        instance=instance,
        org_path=org_path,
        changes=audit.diff(before, audit.snapshot(instance)),
    )


def _audit_case(actor, action, case: Case, before: dict) -> None:
    audit_write(actor, action, case, case.handling_union.path, before)
    figures.case_written(before, case)  # the cockpit's figures, same transaction


def lock_version(rows, pk, expected_version: int | None):
    """The row, locked for this transaction; :class:`Conflict` if it is no longer at the version
    the caller read (None: not checked)."""
    locked = rows.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(locked.version)
    return locked


def _locked(case: Case, expected_version: int | None) -> Case:
    rows = Case.objects.select_related("handling_union", "member", "case_type")
    return lock_version(rows, case.pk, expected_version)


def submitter_channel(actor, member) -> str:
    if is_case_worker(actor, member):
        return Channel.ONLINE
    if actor is SYSTEM or scope_for(actor, Action.CHANGE).covers(member.union.path):
        return Channel.HALL
    raise Http404


def _checked_input(case_type: CaseType, description, form_data, files, errors: dict):
    """The type's answers, the description and every file checked, all errors at once (with
    ``errors`` found by the caller): nothing is written until all of it is right."""
    if not case_type.is_active:
        raise ValidationError({"case_type": _("该诉求类型已停用。")})
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
    return answers, description, checked


def _open_case(
    *, actor, case_type, union, channel, title, description, answers, checked, today, **who
) -> Case:
    """Write a new case handled by ``union``, with its timeline, files, audit row and messages;
    ``who`` is the member, or a non-member's name, phone and place."""
    today = today or timezone.localdate()
    days_off = calendar.exceptions(today)
    with transaction.atomic():
        case = Case(
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
            **who,
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
    channel = submitter_channel(actor, member)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member_id": _("会籍状态不正常，暂不能提交诉求。")})
    answers, description, checked = _checked_input(case_type, description, form_data, files, {})
    return _open_case(
        actor=actor,
        case_type=case_type,
        union=route(member=member, case_type=case_type),
        channel=channel,
        title=title,
        description=description,
        answers=answers,
        checked=checked,
        today=today,
        member=member,
    )


def route_by_place(*, case_type: CaseType, employer_name: str, work_place: str):
    """The union that hears a non-member: the one the join page would propose to them (their
    employer's, else the area union of where they work, in their own county first), or for
    county-level types its county union. None when the place names no union."""
    proposals = propose_unions(
        occupation_group="", employer_name=employer_name, work_place=work_place
    )
    if not proposals:
        return None
    union = next((p.union for p in proposals if p.local), proposals[0].union)
    if case_type.handling_level == HandlingLevel.COUNTY:
        return county_union_for(union)
    return union


def case_submit_non_member(
    *,
    actor,
    case_type: CaseType,
    description: str,
    applicant_name: str,
    employer_name: str = "",
    work_place: str = "",
    title: str = "",
    form_data: dict | None = None,
    files=(),
    today: datetime.date | None = None,
) -> Case:
    """An appeal from a worker who is not a member: heard all the same. The worker signed in with
    their phone (the code proved it theirs); the case is routed by where they work and the page
    offers them to join. Limited per phone, as anyone with a phone may sign in."""
    if not _signed_in_worker(actor) or not actor.phone:
        raise Http404
    errors = {}
    applicant_name = (applicant_name or "").strip()[:60]
    # The wage-arrears question names the employer already: it routes too.
    employer_name = (employer_name or str((form_data or {}).get("employer", ""))).strip()[:200]
    work_place = (work_place or "").strip()[:200]
    if not applicant_name:
        errors["applicant_name"] = [_("请填写您的姓名。")]
    union = None
    if not employer_name and not work_place:
        errors["work_place"] = [_("请填写工作单位或工作地点，以便转给当地工会办理。")]
    else:
        union = route_by_place(
            case_type=case_type, employer_name=employer_name, work_place=work_place
        )
        if union is None:
            errors["work_place"] = [
                _("没有找到您所在地的工会。请填写更具体的工作地点（如街道、园区），或拨打12351。")
            ]
    answers, description, checked = _checked_input(case_type, description, form_data, files, errors)
    ratelimit.hit(APPEAL_LIMIT, actor.phone)
    return _open_case(
        actor=actor,
        case_type=case_type,
        union=union,
        channel=Channel.ONLINE,
        title=title,
        description=description,
        answers=answers,
        checked=checked,
        today=today,
        applicant_name=applicant_name,
        applicant_phone=actor.phone,
        employer_name=employer_name,
        work_place=work_place,
    )


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
    if is_case_applicant(user, case):
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
