"""Reads of the activities app: scoped querysets for officers, public lists for everyone, and
the report figures, all computed from the rows."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Rank
from django.utils import timezone

from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.members.choices import OccupationGroup
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .choices import EnrollmentStatus
from .models import (
    BargainingProcedure,
    Campaign,
    CampaignItem,
    Contest,
    ContestEntry,
    ContestRound,
    Craftsman,
    CraftsmanStudio,
    Delivery,
    Discount,
    Enrollment,
    JobPosting,
    TrainingCourse,
    TrainingSession,
    WageAgreement,
    WorkerCongress,
)

# ---- generic --------------------------------------------------------------------------------


def get(model_or_qs, *, user, pk, action: Action = Action.VIEW):
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    return get_visible_or_404(queryset, user, action, pk=pk)


def org_options(*, user, action: Action = Action.CHANGE):
    """Orgs a user may organise things for (their subtree), for form choices."""
    return Organization.objects.visible_to(user, action).active().order_by("path")


def report_root(*, user, org_id=None) -> Organization | None:
    if org_id:
        return get(Organization, user=user, pk=org_id)
    scope = scope_for(user)
    if scope.everything:
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.path is None:
        return None
    return Organization.objects.get(path=scope.path)


# ---- campaigns ------------------------------------------------------------------------------


def campaign_list(*, user, kind: str | None = None, org: Organization | None = None):
    campaigns = Campaign.objects.visible_to(user).select_related("organizer", "custom_kind")
    if kind:
        campaigns = campaigns.filter(kind=kind)
    if org is not None:
        campaigns = campaigns.filter(organizer__path__subtree_of=org.path)
    return campaigns.annotate(
        delivery_count=Count("deliveries"),
    ).order_by("-starts_on", "-id")


def campaign_get(*, user, campaign_id, action: Action = Action.VIEW) -> Campaign:
    return get(
        Campaign.objects.select_related("organizer", "custom_kind"),
        user=user,
        pk=campaign_id,
        action=action,
    )


def campaign_items(*, campaign: Campaign):
    return CampaignItem.objects.filter(campaign=campaign).annotate(
        delivered=Sum("deliveries__quantity", default=0)
    )


def delivery_list(*, user, campaign: Campaign | None = None):
    deliveries = Delivery.objects.visible_to(user).select_related(
        "member", "item", "station", "campaign"
    )
    if campaign is not None:
        deliveries = deliveries.filter(campaign=campaign)
    return deliveries.order_by("-delivered_at", "-id")


def previous_delivery(*, campaign: Campaign, item: CampaignItem, member: Member):
    return (
        Delivery.objects.filter(campaign=campaign, item=item, member=member)
        .select_related("station", "item", "member")
        .order_by("delivered_at", "id")
        .first()
    )


def token_from_scan(text: str) -> str:
    """The card token in what a scanner or a hand typed: the token itself, or the card's
    verification URL (``…/verify/<token>``) that the QR encodes."""
    text = (text or "").strip()
    if "/" in text:
        path = urlparse(text).path if "://" in text else text
        text = path.rstrip("/").rsplit("/", 1)[-1]
    return text


def member_for_card(text: str):
    """(member, result) for a scanned card: result is valid | expired | revoked | forged."""
    from gonghui.members.selectors import card_check

    check = card_check(token_from_scan(text))
    return check.member, check.result


# ---- training -------------------------------------------------------------------------------


def course_list(*, user):
    return TrainingCourse.objects.visible_to(user).select_related("org").order_by("-id")


def session_list(*, user, course: TrainingCourse | None = None):
    sessions = TrainingSession.objects.visible_to(user).select_related("course__org")
    if course is not None:
        sessions = sessions.filter(course=course)
    return _with_counts(sessions).order_by("starts_at", "id")


def _with_counts(sessions):
    return sessions.annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ENROLLED)),
        waitlisted=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
        attended=Count("enrollments", filter=Q(enrollments__attended_at__isnull=False)),
    )


def open_sessions(*, kind: str | None = None, now=None):
    """Public: upcoming sessions of public courses, soonest first."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(course__is_public=True, starts_at__gt=now)
    if kind:
        sessions = sessions.filter(course__kind=kind)
    return _with_counts(sessions.select_related("course__org")).order_by("starts_at", "id")


def open_sessions_near(*, lat, lon, kind=None, within_km=None, now=None, limit=200) -> list:
    """Public: upcoming sessions within reach of a worker, nearest first."""
    return nearest(open_sessions(kind=kind, now=now), lat, lon, limit, within_km)


def open_session_get(*, session_id) -> TrainingSession:
    from django.http import Http404

    session = (
        _with_counts(
            TrainingSession.objects.filter(course__is_public=True).select_related("course__org")
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def enrollments_for(*, session: TrainingSession):
    return (
        Enrollment.objects.filter(session=session)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("member")
        .order_by("status", "queued_at", "id")
    )


def waitlist_position(enrollment: Enrollment) -> int | None:
    if enrollment.status != EnrollmentStatus.WAITLISTED:
        return None
    ahead = Enrollment.objects.filter(
        session_id=enrollment.session_id,
        status=EnrollmentStatus.WAITLISTED,
    ).filter(
        Q(queued_at__lt=enrollment.queued_at)
        | Q(queued_at=enrollment.queued_at, id__lt=enrollment.id)
    )
    return ahead.count() + 1


def member_of_user(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("union").filter(account=user).first()


def my_enrollment(*, member: Member | None, session: TrainingSession) -> Enrollment | None:
    if member is None:
        return None
    return (
        Enrollment.objects.filter(session=session, member=member)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .first()
    )


def my_enrollments(*, member: Member):
    return (
        Enrollment.objects.filter(member=member)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("session__course")
        .order_by("session__starts_at")
    )


# ---- jobs and discounts ---------------------------------------------------------------------

EARTH_KM = 6371.0088


def distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def near_me_km() -> float:
    """How far "near me" reaches unless the worker widens it (setting ``NEAR_ME_KM``)."""
    from django.conf import settings

    return float(getattr(settings, "NEAR_ME_KM", 20) or 20)


def nearest(
    queryset, lat: float | None, lon: float | None, limit: int, within_km: float | None = None
) -> list:
    """The first ``limit`` rows of ``queryset``; with a position, only those within
    ``within_km`` (default ``NEAR_ME_KM``), nearest first, each with ``distance_km`` and
    ``distance_m``: rows far away or without coordinates are not "near me", so an empty list
    means nothing is near. Distances are computed over every candidate's coordinates (one
    narrow query), so the nearest are never cut off by the limit; without a position the
    queryset's own order stands."""
    if lat is None or lon is None:
        rows = list(queryset[:limit])
        for row in rows:
            row.distance_km = row.distance_m = None
        return rows
    reach = near_me_km() if within_km is None else within_km
    ranked = sorted(
        (distance, pk)
        for pk, row_lat, row_lon in queryset.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "latitude", "longitude")
        if (distance := distance_km(lat, lon, row_lat, row_lon)) <= reach
    )[:limit]
    by_pk = queryset.in_bulk([pk for _d, pk in ranked])
    rows = []
    for distance, pk in ranked:
        row = by_pk[pk]
        row.distance_km = round(distance, 2)
        row.distance_m = round(distance * 1000, 1)
        rows.append(row)
    return rows


def open_jobs(*, category=None, lat=None, lon=None, within_km=None, today=None, limit=200):
    today = today or timezone.localdate()
    jobs = JobPosting.objects.filter(expires_on__gte=today).select_related("org")
    if category:
        jobs = jobs.filter(category=category)
    return nearest(jobs.order_by("expires_on", "id"), lat, lon, limit, within_km)


def open_discounts(*, category=None, lat=None, lon=None, within_km=None, today=None, limit=200):
    today = today or timezone.localdate()
    discounts = Discount.objects.filter(valid_from__lte=today, valid_until__gte=today)
    if category:
        discounts = discounts.filter(category=category)
    discounts = discounts.select_related("org").order_by("valid_until", "id")
    return nearest(discounts, lat, lon, limit, within_km)


def job_list(*, user):
    return JobPosting.objects.visible_to(user).select_related("org").order_by("-id")


def discount_list(*, user):
    return Discount.objects.visible_to(user).select_related("org").order_by("-id")


# ---- contests -------------------------------------------------------------------------------


def contest_list(*, user):
    return (
        Contest.objects.visible_to(user)
        .select_related("org")
        .annotate(entry_count=Count("entries"))
        .order_by("-starts_on", "-id")
    )


def contest_rounds(*, contest: Contest):
    return ContestRound.objects.filter(contest=contest).order_by("position", "id")


def ranking(*, contest: Contest, limit: int = 50):
    """Entries by total score over all rounds, highest first, with a competition rank (ties
    share a rank)."""
    return (
        ContestEntry.objects.filter(contest=contest, scores__isnull=False)
        .annotate(total=Sum("scores__score"))
        .annotate(rank=Window(expression=Rank(), order_by=F("total").desc()))
        .order_by("-total", "id")[:limit]
    )


def craftsman_list(*, user, status: str | None = None):
    rows = Craftsman.objects.visible_to(user).select_related("org")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "name")


def studio_list(*, user):
    return CraftsmanStudio.objects.visible_to(user).select_related("org", "leader")


# ---- bargaining -----------------------------------------------------------------------------


def agreement_list(*, user, in_force_on: datetime.date | None = None):
    rows = WageAgreement.objects.visible_to(user).select_related("org", "enterprise")
    if in_force_on:
        rows = rows.filter(valid_from__lte=in_force_on, valid_until__gte=in_force_on)
    return rows.order_by("-signed_on", "-id")


def procedure_list(*, user):
    return (
        BargainingProcedure.objects.visible_to(user)
        .select_related("org", "enterprise")
        .prefetch_related("letters")
    )


def congress_list(*, user):
    return WorkerCongress.objects.visible_to(user).select_related("enterprise", "org")


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


def congress_rate(*, org: Organization, on: datetime.date | None = None) -> Rate:
    """职代会建制率 of a subtree: of the enterprises in its area that have a union, the share
    with a worker congress whose term covers the day."""
    from gonghui.enterprises.models import Enterprise

    on = on or timezone.localdate()
    unionised = Enterprise.objects.filter(
        street_org__path__subtree_of=org.path, union__isnull=False
    )
    with_congress = unionised.filter(
        pk__in=WorkerCongress.objects.filter(term_starts_on__lte=on, term_ends_on__gte=on).values(
            "enterprise_id"
        )
    )
    return Rate(with_congress.count(), unionised.count())


# ---- reports --------------------------------------------------------------------------------


@dataclass
class CampaignLine:
    campaign: Campaign
    deliveries: int
    beneficiaries: int
    by_group: list[tuple[str, int]] = field(default_factory=list)
    female: int = 0


@dataclass
class Report:
    org: Organization
    start: datetime.date
    end: datetime.date
    campaigns: list[CampaignLine]
    contests: list
    trainings: dict
    agreements: dict
    congress: Rate


def _day_bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def report(*, org: Organization, start: datetime.date, end: datetime.date) -> Report:
    """The figures of a subtree for a period, each counted from the records: beneficiaries per
    campaign and group, entries per contest, trainings held and attended, agreements in force."""
    low, high = _day_bounds(start, end)
    deliveries = Delivery.objects.filter(
        campaign__organizer__path__subtree_of=org.path, delivered_at__gte=low, delivered_at__lt=high
    )
    per_campaign = {
        row["campaign"]: row
        for row in deliveries.values("campaign").annotate(
            n=Count("id"),
            members=Count("member", distinct=True),
            others=Count("beneficiary_phone", distinct=True, filter=Q(member__isnull=True)),
            female=Count("member", distinct=True, filter=Q(gender="F")),
        )
    }
    groups: dict[int, list] = {}
    labels = dict(OccupationGroup.choices)
    for row in (
        deliveries.values("campaign", "occupation_group")
        .annotate(
            members=Count("member", distinct=True),
            others=Count("beneficiary_phone", distinct=True, filter=Q(member__isnull=True)),
        )
        .order_by("campaign", "-members")
    ):
        groups.setdefault(row["campaign"], []).append(
            (str(labels.get(row["occupation_group"], row["occupation_group"])),
             row["members"] + row["others"])
        )  # fmt: skip
    campaigns = []
    for campaign in (
        Campaign.objects.filter(pk__in=per_campaign)
        .select_related("organizer", "custom_kind")
        .order_by("starts_on", "id")
    ):
        row = per_campaign[campaign.pk]
        campaigns.append(
            CampaignLine(
                campaign=campaign,
                deliveries=row["n"],
                beneficiaries=row["members"] + row["others"],
                by_group=groups.get(campaign.pk, []),
                female=row["female"],
            )
        )
    contests = list(
        Contest.objects.filter(
            org__path__subtree_of=org.path, starts_on__lte=end, ends_on__gte=start
        )
        .annotate(entry_count=Count("entries"))
        .order_by("starts_on", "id")
    )
    sessions = TrainingSession.objects.filter(
        course__org__path__subtree_of=org.path,
        starts_at__gte=low,
        starts_at__lt=min(high, timezone.now()),
    )
    attendance = Enrollment.objects.filter(session__in=sessions, attended_at__isnull=False)
    trainings = {
        "sessions": sessions.count(),
        "enrolled": Enrollment.objects.filter(
            session__in=sessions, status=EnrollmentStatus.ENROLLED
        ).count(),
        "attended": attendance.count(),
    }
    in_force = WageAgreement.objects.filter(
        org__path__subtree_of=org.path, valid_from__lte=end, valid_until__gte=start
    )
    agreements = in_force.aggregate(count=Count("id"), workers=Sum("covered_workers", default=0))
    return Report(
        org=org,
        start=start,
        end=end,
        campaigns=campaigns,
        contests=contests,
        trainings=trainings,
        agreements=agreements,
        congress=congress_rate(org=org, on=min(end, timezone.localdate())),
    )


def craftsman_counts(*, org: Organization) -> dict:
    awarded = Craftsman.objects.filter(org__path__subtree_of=org.path, status="awarded").count()
    studios = CraftsmanStudio.objects.filter(org__path__subtree_of=org.path).count()
    return {"awarded": awarded, "studios": studios}
