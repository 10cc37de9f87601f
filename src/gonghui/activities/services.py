"""Every write of the activities app. Each takes ``actor=``, checks scope, validates, writes, and
records an audit row in the same transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.audit import actor_fk, actor_label
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.core.validators import is_valid_mobile
from gonghui.members.choices import MemberStatus, OccupationGroup
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .choices import (
    CRAFTSMAN_NEXT,
    AgreementLevel,
    CampaignKind,
    CraftsmanStatus,
    EnrollmentStatus,
    LetterKind,
    ProcedureStatus,
    ReviewStatus,
)
from .models import (
    BargainingLetter,
    BargainingProcedure,
    Campaign,
    CampaignItem,
    CongressSession,
    Contest,
    ContestEntry,
    ContestRound,
    ContestScore,
    Craftsman,
    CraftsmanStudio,
    CustomCampaignKind,
    Delivery,
    Discount,
    Enrollment,
    JobPosting,
    TrainingCourse,
    TrainingSession,
    WageAgreement,
    WorkerCongress,
)

# The employer has 20 days to answer an invitation to bargain (集体合同规定 第三十二条); the
# advisory letter gives it 15 more before the matter goes to the authorities.
RESPONSE_DAYS = 20
ADVISORY_DAYS = 15


def _record(actor, action, instance, org_path: str, before: dict) -> None:
    changes = audit.diff(before, audit.snapshot(instance))
    if changes or action != AuditAction.UPDATE:
        audit.record(
            actor=actor, action=action, instance=instance, org_path=org_path, changes=changes
        )


def _unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})


def check_org(actor, org: Organization | None, field: str = "org_id") -> Organization:
    """An org the actor may write for; missing or out of scope is the same field error."""
    if org is None or not scope_for(actor, Action.CHANGE).covers(org.path):
        raise ValidationError({field: _("工会组织不存在或不在您的管辖范围内。")})
    if not org.is_active:
        raise ValidationError({field: _("该工会已撤销。")})
    return org


def check_enterprise(actor, enterprise, field: str = "enterprise_id"):
    if enterprise is None or not scope_for(actor, Action.CHANGE).covers(enterprise.street_org.path):
        raise ValidationError({field: _("企业不存在或不在您的管辖范围内。")})
    return enterprise


def _full_clean(instance, exclude=None, validate_constraints=True) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


# ---- Campaigns ---------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "kind",
    "custom_kind",
    "starts_on",
    "ends_on",
    "target_groups",
    "target_gender",
    "budget",
    "allow_repeat",
    "description",
)


def _clean_campaign(actor, campaign: Campaign) -> None:
    groups = list(dict.fromkeys(campaign.target_groups or []))
    valid = set(OccupationGroup.values)
    bad = [g for g in groups if g not in valid]
    if bad:
        raise ValidationError(
            {"target_groups": _("未知的职业群体：%(codes)s") % {"codes": ",".join(bad)}}
        )
    campaign.target_groups = groups
    if campaign.kind == CampaignKind.CUSTOM:
        kind = campaign.custom_kind
        if kind is None:
            raise ValidationError({"custom_kind": _("请选择或新建活动类型。")})
        if not scope_for(actor, Action.VIEW).covers(kind.org.path) and not (
            campaign.organizer.path.startswith(kind.org.path)
        ):
            raise ValidationError({"custom_kind": _("活动类型不存在或不在您的管辖范围内。")})
    else:
        campaign.custom_kind = None
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    _full_clean(campaign)


@transaction.atomic
def custom_kind_create(*, actor, org: Organization, name: str) -> CustomCampaignKind:
    check_org(actor, org)
    name = (name or "").strip()
    existing = CustomCampaignKind.objects.filter(org=org, name=name).first()
    if existing:
        return existing
    kind = CustomCampaignKind(org=org, name=name)
    _full_clean(kind)
    kind.save()
    _record(actor, AuditAction.CREATE, kind, org.path, {})
    return kind


@transaction.atomic
def campaign_create(*, actor, organizer: Organization, items=(), **fields) -> Campaign:
    _unknown(fields, CAMPAIGN_FIELDS)
    check_org(actor, organizer, "organizer_id")
    campaign = Campaign(organizer=organizer, **fields)
    _clean_campaign(actor, campaign)
    campaign.save()
    _record(actor, AuditAction.CREATE, campaign, organizer.path, {})
    for item in items:
        campaign_item_add(actor=actor, campaign=campaign, **item)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    _unknown(fields, CAMPAIGN_FIELDS)
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = audit.snapshot(campaign)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _clean_campaign(actor, campaign)
    campaign.save()
    _record(actor, AuditAction.UPDATE, campaign, campaign.organizer.path, before)
    return campaign


@transaction.atomic
def campaign_item_add(
    *, actor, campaign: Campaign, name: str, quantity: int = 0, unit: str = "份"
) -> CampaignItem:
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    name = (name or "").strip()
    if CampaignItem.objects.filter(campaign=campaign, name=name).exists():
        raise ValidationError({"name": _("本活动已有同名物资。")})
    item = CampaignItem(campaign=campaign, name=name, quantity=quantity, unit=unit or "份")
    _full_clean(item)
    item.save()
    _record(actor, AuditAction.CREATE, item, campaign.organizer.path, {})
    return item


def _previous_delivery(campaign, item, member, phone):
    deliveries = Delivery.objects.filter(campaign=campaign, item=item).select_related("station")
    if member is not None:
        deliveries = deliveries.filter(member=member)
    else:
        deliveries = deliveries.filter(member__isnull=True, beneficiary_phone=phone)
    return deliveries.order_by("delivered_at", "id").first()


def already_delivered_error(previous: Delivery, field: str = "member") -> ValidationError:
    when = timezone.localtime(previous.delivered_at).strftime("%Y-%m-%d %H:%M")
    message = _(
        "%(name)s已于%(when)s在%(place)s领取过%(item)s。本活动每人限领一次，如确需再次发放，请填写原因。"
    ) % {
        "name": previous.beneficiary_label,
        "when": when,
        "place": previous.place_label or _("（未填地点）"),
        "item": previous.item.name,
    }
    return ValidationError({field: ValidationError(message, code="already_delivered")})


@dataclass
class Beneficiary:
    """Who a delivery is for: a member, or a worker not yet in the union (name + phone)."""

    member: Member | None = None
    name: str = ""
    phone: str = ""
    occupation_group: str = OccupationGroup.OTHER


@transaction.atomic
def delivery_record(
    *,
    actor,
    campaign: Campaign,
    item: CampaignItem,
    beneficiary: Beneficiary,
    quantity: int = 1,
    station=None,
    site: str = "",
    override_reason: str = "",
    delivered_at: datetime.datetime | None = None,
) -> Delivery:
    """Record one hand-over. A second delivery of the same item to the same person is refused
    with the first one's time and place, unless the campaign allows repeats or the officer gives
    a reason (the delivery is then marked as a repeat)."""
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    if item.campaign_id != campaign.pk:
        raise ValidationError({"item_id": _("该物资不属于本活动。")})
    member = beneficiary.member
    name, phone = (beneficiary.name or "").strip(), (beneficiary.phone or "").strip()
    group = beneficiary.occupation_group or OccupationGroup.OTHER
    if member is not None:
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError({"member": _("该会员会籍不是正常状态，不能按会员发放。")})
        name, phone, group = "", "", member.occupation_group
    else:
        errors = {}
        if not name:
            errors["beneficiary_name"] = _("请填写受益人姓名。")
        if not is_valid_mobile(phone):
            errors["beneficiary_phone"] = _("请输入11位中国大陆手机号码（1开头，第二位为3-9）。")
        if group not in OccupationGroup.values:
            errors["occupation_group"] = _("不是可选的值之一。")
        if errors:
            raise ValidationError(errors)
    if station is not None and not scope_for(actor, Action.VIEW).covers(station.operator.path):
        raise ValidationError({"station_id": _("服务阵地不存在或不在您的管辖范围内。")})
    override_reason = (override_reason or "").strip()
    field = "member" if member is not None else "beneficiary_phone"
    previous = _previous_delivery(campaign, item, member, phone)
    if previous is not None and not campaign.allow_repeat and not override_reason:
        raise already_delivered_error(previous, field)
    delivery = Delivery(
        campaign=campaign,
        item=item,
        member=member,
        beneficiary_name=name,
        beneficiary_phone=phone,
        occupation_group=group,
        gender=member.gender if member is not None else "",
        quantity=quantity,
        delivered_at=delivered_at or timezone.now(),
        station=station,
        site=(site or "").strip(),
        officer=actor_fk(actor),
        officer_label=actor_label(actor),
        is_repeat=previous is not None,
        override_reason=override_reason if previous is not None else "",
    )
    # The related rows were checked above and the unique constraints are the database's to
    # hold (a race is caught below): skipping their queries keeps a scan-and-record fast.
    _full_clean(
        delivery,
        exclude=["campaign", "item", "member", "station", "officer"],
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        # Another officer recorded the same person a moment ago.
        previous = _previous_delivery(campaign, item, member, phone)
        if previous is None:
            raise
        raise already_delivered_error(previous, field) from None
    _record(actor, AuditAction.CREATE, delivery, campaign.organizer.path, {})
    return delivery


@transaction.atomic
def deliveries_import(
    *,
    actor,
    campaign: Campaign,
    item: CampaignItem,
    rows: list[tuple[Member, datetime.datetime]],
    site: str = "",
) -> int:
    """Record many member deliveries at once (a paper sign-off sheet typed in after the event).
    Members who already received the item, or whose membership is not active, are skipped;
    returns how many deliveries were recorded. One INSERT batch and one audit row each."""
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    if item.campaign_id != campaign.pk:
        raise ValidationError({"item_id": _("该物资不属于本活动。")})
    done = set(
        Delivery.objects.filter(campaign=campaign, item=item, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    deliveries = []
    for member, when in rows:
        if member.pk in done or member.status != MemberStatus.ACTIVE:
            continue
        done.add(member.pk)
        deliveries.append(
            Delivery(
                campaign=campaign,
                item=item,
                member=member,
                occupation_group=member.occupation_group,
                gender=member.gender,
                quantity=1,
                delivered_at=when,
                site=(site or "").strip(),
                officer=actor_fk(actor),
                officer_label=actor_label(actor),
            )
        )
    # PostgreSQL and SQLite >= 3.35 return the new ids, which the audit rows name.
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    audit.record_many([
        audit.build(actor=actor, action=AuditAction.CREATE, instance=d,
                    org_path=campaign.organizer.path, changes=audit.diff({}, audit.snapshot(d)))
        for d in deliveries
    ])  # fmt: skip
    return len(deliveries)


# ---- Training ----------------------------------------------------------------------------------

COURSE_FIELDS = ("kind", "title", "description", "is_public")
SESSION_FIELDS = ("starts_at", "ends_at", "place", "latitude", "longitude", "capacity")


@transaction.atomic
def course_create(*, actor, org: Organization, **fields) -> TrainingCourse:
    _unknown(fields, COURSE_FIELDS)
    check_org(actor, org)
    course = TrainingCourse(org=org, **fields)
    _full_clean(course)
    course.save()
    _record(actor, AuditAction.CREATE, course, org.path, {})
    return course


def _clean_session(session: TrainingSession) -> None:
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    _full_clean(session)


@transaction.atomic
def session_create(*, actor, course: TrainingCourse, **fields) -> TrainingSession:
    _unknown(fields, SESSION_FIELDS)
    require_in_scope(actor, course.org.path, Action.CHANGE)
    session = TrainingSession(course=course, **fields)
    _clean_session(session)
    session.save()
    _record(actor, AuditAction.CREATE, session, course.org.path, {})
    return session


def _may_act_for(actor, member: Member, org_path: str) -> bool:
    """The member themself (signed in as the worker account linked to the record), or an
    officer whose scope covers the course's org."""
    if getattr(actor, "pk", None) and member.account_id == actor.pk:
        return True
    return scope_for(actor, Action.CHANGE).covers(org_path)


@transaction.atomic
def enrollment_signup(*, actor, session: TrainingSession, member: Member) -> Enrollment:
    """Take a seat, or the next place in the waitlist when every seat is taken."""
    org_path = session.course.org.path
    if not _may_act_for(actor, member, org_path):
        raise ValidationError({"member": _("只能为本人或管辖范围内的培训报名。")})
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": _("会籍状态正常的会员才能报名。")})
    if session.starts_at <= timezone.now():
        raise ValidationError({"session": _("该场培训已开始，不能报名。")})
    live = Enrollment.objects.filter(session=session, member=member).exclude(
        status=EnrollmentStatus.CANCELLED
    )
    if live.exists():
        raise ValidationError({"session": _("您已报名或在候补名单中。")})
    taken = Enrollment.objects.filter(session=session, status=EnrollmentStatus.ENROLLED).count()
    status = EnrollmentStatus.ENROLLED if taken < session.capacity else EnrollmentStatus.WAITLISTED
    enrollment = Enrollment(session=session, member=member, status=status)
    enrollment.save()
    _record(actor, AuditAction.CREATE, enrollment, org_path, {})
    return enrollment


@transaction.atomic
def enrollment_cancel(*, actor, enrollment: Enrollment) -> Enrollment | None:
    """Give the place up; a freed seat goes to the first in the waitlist. Returns the promoted
    enrollment, if any."""
    org_path = enrollment.session.course.org.path
    if not _may_act_for(actor, enrollment.member, org_path):
        raise ValidationError({"member": _("只能取消本人或管辖范围内的报名。")})
    session = TrainingSession.objects.select_for_update().get(pk=enrollment.session_id)
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    if enrollment.status == EnrollmentStatus.CANCELLED:
        raise ValidationError({"status": _("该报名已取消。")})
    before = audit.snapshot(enrollment)
    freed_seat = enrollment.status == EnrollmentStatus.ENROLLED
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save(update_fields=["status", "updated_at"])
    _record(actor, AuditAction.UPDATE, enrollment, org_path, before)
    if not freed_seat:
        return None
    taken = Enrollment.objects.filter(session=session, status=EnrollmentStatus.ENROLLED).count()
    if taken >= session.capacity:
        return None
    promoted = (
        Enrollment.objects.filter(session=session, status=EnrollmentStatus.WAITLISTED)
        .order_by("queued_at", "id")
        .first()
    )
    if promoted is not None:
        before = audit.snapshot(promoted)
        promoted.status = EnrollmentStatus.ENROLLED
        promoted.save(update_fields=["status", "updated_at"])
        _record(actor, AuditAction.UPDATE, promoted, org_path, before)
    return promoted


@transaction.atomic
def attendance_mark(*, actor, session: TrainingSession, member: Member) -> Enrollment:
    """Sign a member in (an officer scans their card at the class)."""
    org_path = session.course.org.path
    require_in_scope(actor, org_path, Action.CHANGE)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(session=session, member=member, status=EnrollmentStatus.ENROLLED)
        .first()
    )
    if enrollment is None:
        raise ValidationError({"member": _("该会员没有报名这场培训（或仍在候补）。")})
    if enrollment.attended_at is not None:
        return enrollment
    before = audit.snapshot(enrollment)
    enrollment.attended_at = timezone.now()
    enrollment.save(update_fields=["attended_at", "updated_at"])
    _record(actor, AuditAction.UPDATE, enrollment, org_path, before)
    return enrollment


# ---- Jobs and discounts ------------------------------------------------------------------------

JOB_FIELDS = (
    "title",
    "employer",
    "category",
    "pay_min",
    "pay_max",
    "place",
    "latitude",
    "longitude",
    "contact",
    "description",
    "expires_on",
    "enterprise",
)
DISCOUNT_FIELDS = (
    "merchant",
    "offer",
    "category",
    "valid_from",
    "valid_until",
    "place",
    "latitude",
    "longitude",
)


def _clean_job(job: JobPosting) -> None:
    if job.pay_min is not None and job.pay_max is not None and job.pay_max < job.pay_min:
        raise ValidationError({"pay_max": _("月薪上限不能低于下限。")})
    if job.expires_on and job.expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("截止日期不能早于今天。")})
    _full_clean(job)


@transaction.atomic
def job_create(*, actor, org: Organization, **fields) -> JobPosting:
    _unknown(fields, JOB_FIELDS)
    check_org(actor, org)
    if fields.get("enterprise") is not None:
        check_enterprise(actor, fields["enterprise"])
    job = JobPosting(org=org, **fields)
    _clean_job(job)
    job.save()
    _record(actor, AuditAction.CREATE, job, org.path, {})
    return job


@transaction.atomic
def job_update(*, actor, job: JobPosting, **fields) -> JobPosting:
    _unknown(fields, JOB_FIELDS)
    require_in_scope(actor, job.org.path, Action.CHANGE)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    if job.is_expired:
        raise ValidationError({"expires_on": _("该岗位已过期，不能再修改；请重新发布。")})
    if fields.get("enterprise") is not None:
        check_enterprise(actor, fields["enterprise"])
    before = audit.snapshot(job)
    for name, value in fields.items():
        setattr(job, name, value)
    _clean_job(job)
    job.save()
    _record(actor, AuditAction.UPDATE, job, job.org.path, before)
    return job


def _clean_discount(discount: Discount) -> None:
    if discount.valid_from and discount.valid_until and discount.valid_until < discount.valid_from:
        raise ValidationError({"valid_until": _("结束日期不能早于开始日期。")})
    _full_clean(discount)


@transaction.atomic
def discount_create(*, actor, org: Organization, **fields) -> Discount:
    _unknown(fields, DISCOUNT_FIELDS)
    check_org(actor, org)
    discount = Discount(org=org, **fields)
    _clean_discount(discount)
    discount.save()
    _record(actor, AuditAction.CREATE, discount, org.path, {})
    return discount


@transaction.atomic
def discount_update(*, actor, discount: Discount, **fields) -> Discount:
    _unknown(fields, DISCOUNT_FIELDS)
    require_in_scope(actor, discount.org.path, Action.CHANGE)
    discount = Discount.objects.select_for_update().get(pk=discount.pk)
    if discount.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("该优惠已过期，不能再修改；请重新发布。")})
    before = audit.snapshot(discount)
    for name, value in fields.items():
        setattr(discount, name, value)
    _clean_discount(discount)
    discount.save()
    _record(actor, AuditAction.UPDATE, discount, discount.org.path, before)
    return discount


# ---- Contests and craftsmen --------------------------------------------------------------------

CONTEST_FIELDS = ("name", "trade", "starts_on", "ends_on", "score_min", "score_max")


def _clean_contest(contest: Contest) -> None:
    if contest.score_min is not None and contest.score_max is not None:
        if Decimal(contest.score_max) <= Decimal(contest.score_min):
            raise ValidationError({"score_max": _("最高分必须大于最低分。")})
    if contest.starts_on and contest.ends_on and contest.ends_on < contest.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    _full_clean(contest)


@transaction.atomic
def contest_create(*, actor, org: Organization, rounds=(), **fields) -> Contest:
    _unknown(fields, CONTEST_FIELDS)
    check_org(actor, org)
    contest = Contest(org=org, **fields)
    _clean_contest(contest)
    contest.save()
    _record(actor, AuditAction.CREATE, contest, org.path, {})
    for position, name in enumerate(rounds, start=1):
        contest_round_add(actor=actor, contest=contest, name=name, position=position)
    return contest


@transaction.atomic
def contest_round_add(*, actor, contest: Contest, name: str, position: int = 1) -> ContestRound:
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    name = (name or "").strip()
    if ContestRound.objects.filter(contest=contest, name=name).exists():
        raise ValidationError({"name": _("本竞赛已有同名轮次。")})
    contest_round = ContestRound(contest=contest, name=name, position=position)
    _full_clean(contest_round)
    contest_round.save()
    _record(actor, AuditAction.CREATE, contest_round, contest.org.path, {})
    return contest_round


@transaction.atomic
def contest_entry_add(
    *, actor, contest: Contest, member: Member | None = None, name: str = "", employer: str = ""
) -> ContestEntry:
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    if member is not None:
        if ContestEntry.objects.filter(contest=contest, member=member).exists():
            raise ValidationError({"member_id": _("该会员已报名本竞赛。")})
        name = name or member.name
        employer = employer or member.employer_name
    entry = ContestEntry(
        contest=contest, member=member, name=(name or "").strip(), employer=employer
    )
    _full_clean(entry)
    entry.save()
    _record(actor, AuditAction.CREATE, entry, contest.org.path, {})
    return entry


@transaction.atomic
def contest_entries_import(*, actor, contest: Contest, rows: list[tuple[str, str]]) -> int:
    """Many entries at once (a contest's sign-up sheet): one INSERT batch and one audit row."""
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    entries = [
        ContestEntry(contest=contest, name=name[:60], employer=employer[:200])
        for name, employer in rows
        if name
    ]
    ContestEntry.objects.bulk_create(entries, batch_size=2000)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=contest,
        org_path=contest.org.path,
        changes={"entries_imported": [0, len(entries)]},
    )
    return len(entries)


@transaction.atomic
def score_record(
    *, actor, contest_round: ContestRound, entry: ContestEntry, score: Decimal
) -> ContestScore:
    contest = contest_round.contest
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    if entry.contest_id != contest.pk:
        raise ValidationError({"entry_id": _("该报名不属于本竞赛。")})
    score = Decimal(str(score))
    if not contest.score_min <= score <= contest.score_max:
        raise ValidationError(
            {
                "score": _("成绩必须在%(low)s到%(high)s之间。")
                % {"low": contest.score_min, "high": contest.score_max}
            }
        )
    existing = ContestScore.objects.filter(round=contest_round, entry=entry).first()
    before = audit.snapshot(existing) if existing else {}
    row = existing or ContestScore(round=contest_round, entry=entry)
    row.score = score
    row.judge = actor_fk(actor)
    _full_clean(row)
    row.save()
    _record(
        actor, AuditAction.UPDATE if existing else AuditAction.CREATE, row, contest.org.path, before
    )
    return row


CRAFTSMAN_FIELDS = ("name", "employer", "trade", "title", "year", "member")


@transaction.atomic
def craftsman_nominate(*, actor, org: Organization, **fields) -> Craftsman:
    _unknown(fields, CRAFTSMAN_FIELDS)
    check_org(actor, org)
    craftsman = Craftsman(org=org, status=CraftsmanStatus.NOMINATED, **fields)
    _full_clean(craftsman)
    craftsman.save()
    _record(actor, AuditAction.CREATE, craftsman, org.path, {})
    return craftsman


@transaction.atomic
def craftsman_advance(
    *,
    actor,
    craftsman: Craftsman,
    notice_ends_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Craftsman:
    """Move to the next step: nomination > review > public notice (with its end date) > award.
    The award waits until the public notice period is over."""
    require_in_scope(actor, craftsman.org.path, Action.CHANGE)
    craftsman = Craftsman.objects.select_for_update().get(pk=craftsman.pk)
    today = today or timezone.localdate()
    following = CRAFTSMAN_NEXT.get(craftsman.status)
    if following is None:
        raise ValidationError({"status": _("该候选人的评选已结束。")})
    before = audit.snapshot(craftsman)
    if following == CraftsmanStatus.NOTICE:
        if notice_ends_on is None or notice_ends_on <= today:
            raise ValidationError({"notice_ends_on": _("请填写今天之后的公示截止日期。")})
        craftsman.notice_ends_on = notice_ends_on
    if following == CraftsmanStatus.AWARDED:
        if craftsman.notice_ends_on and today <= craftsman.notice_ends_on:
            raise ValidationError({"status": _("公示期尚未结束，不能命名。")})
        craftsman.awarded_on = today
    craftsman.status = following
    craftsman.save()
    _record(actor, AuditAction.UPDATE, craftsman, craftsman.org.path, before)
    return craftsman


@transaction.atomic
def craftsman_reject(*, actor, craftsman: Craftsman) -> Craftsman:
    require_in_scope(actor, craftsman.org.path, Action.CHANGE)
    craftsman = Craftsman.objects.select_for_update().get(pk=craftsman.pk)
    if craftsman.status in (CraftsmanStatus.AWARDED, CraftsmanStatus.REJECTED):
        raise ValidationError({"status": _("该候选人的评选已结束。")})
    before = audit.snapshot(craftsman)
    craftsman.status = CraftsmanStatus.REJECTED
    craftsman.save()
    _record(actor, AuditAction.UPDATE, craftsman, craftsman.org.path, before)
    return craftsman


@transaction.atomic
def studio_create(
    *,
    actor,
    org: Organization,
    name: str,
    established_on: datetime.date,
    leader: Craftsman | None = None,
    leader_name: str = "",
    enterprise_name: str = "",
) -> CraftsmanStudio:
    check_org(actor, org)
    if leader is not None and not scope_for(actor, Action.VIEW).covers(leader.org.path):
        raise ValidationError({"leader_id": _("工匠不存在或不在您的管辖范围内。")})
    if CraftsmanStudio.objects.filter(org=org, name=(name or "").strip()).exists():
        raise ValidationError({"name": _("已有同名工作室。")})
    studio = CraftsmanStudio(
        org=org,
        name=(name or "").strip(),
        established_on=established_on,
        leader=leader,
        leader_name=leader_name or (leader.name if leader else ""),
        enterprise_name=enterprise_name or (leader.employer if leader else ""),
    )
    _full_clean(studio)
    studio.save()
    _record(actor, AuditAction.CREATE, studio, org.path, {})
    return studio


# ---- Collective bargaining and worker congresses -----------------------------------------------

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
    if agreement.valid_from and agreement.valid_until:
        if agreement.valid_until < agreement.valid_from:
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


@transaction.atomic
def agreement_review(
    *, actor, agreement: WageAgreement, status: str, reviewed_on: datetime.date | None = None
) -> WageAgreement:
    """Record the labour bureau's review: submitted, then approved or returned."""
    require_in_scope(actor, agreement.org.path, Action.CHANGE)
    agreement = WageAgreement.objects.select_for_update().get(pk=agreement.pk)
    allowed = {
        ReviewStatus.NOT_SUBMITTED: {ReviewStatus.SUBMITTED},
        ReviewStatus.RETURNED: {ReviewStatus.SUBMITTED},
        ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
        ReviewStatus.APPROVED: set(),
    }
    if status not in allowed[agreement.review_status]:
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
    if fields.get("term_starts_on") and fields.get("term_ends_on"):
        if fields["term_ends_on"] <= fields["term_starts_on"]:
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
