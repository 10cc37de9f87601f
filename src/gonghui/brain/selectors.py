"""The cockpit's figures for one org's subtree, scoped like everything else.

Members, joins and leavings, open and resolved cases, deliveries and check-ins come from the
rollups (``rollups.read``: stored totals plus the deltas not yet folded, exact). The rest is
computed from the raw tables on each request (also exact, never cached): org counts, the
founding funnel, coverage rates, overdue cases, satisfaction, aid, training and contests.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.aid.models import HardshipDisbursement, MutualAidEnrolment
from gonghui.bargaining.models import CongressSession, WageAgreement, WorkerCongress
from gonghui.campaigns.choices import CampaignKind
from gonghui.campaigns.models import Delivery
from gonghui.cases.choices import OPEN_STATUSES
from gonghui.cases.models import Case
from gonghui.contests.models import ContestEntry
from gonghui.core import figures as core_figures
from gonghui.core.scoping import SYSTEM, get_visible_or_404, scope_for
from gonghui.enterprises.models import Enterprise
from gonghui.enterprises.selectors import coverage_for
from gonghui.founding.choices import FoundingStatus, FoundingStep
from gonghui.founding.models import FoundingCase, FoundingCaseStep
from gonghui.learning.models import Enrollment
from gonghui.members.choices import JoinChannel, OccupationGroup
from gonghui.members.models import Member, MemberEvent
from gonghui.organizations.choices import OrgLevel, OrgType
from gonghui.organizations.models import PATH_STEP, Organization
from gonghui.stations.models import CheckIn, Station
from gonghui.stations.selectors import coverage_for_org

from . import annual, rollups
from .models import TOTAL_PERIOD, AnnualReport, ReportStatus

PANELS = ("members", "organisation", "service", "circle", "trends", "children", "funnel")
# The service circle the cockpit shows: members within a 15-minute walk of an active station.
CIRCLE_MINUTES = 15
CIRCLE_MODE = "walk"
TREND_MONTHS = 24
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def month_start(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def year_start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_period(value: str | None, *, today: datetime.date | None = None) -> Period:
    """``YYYY-MM`` (default: this month); a month in the future or before 2000 is refused."""
    today = today or timezone.localdate()
    if not value:
        return Period(today.year, today.month)
    try:
        year_text, month_text = value.strip().split("-")
        period = Period(int(year_text), int(month_text))
        period.month_start  # noqa: B018 - validates the month
    except (ValueError, TypeError) as exc:
        raise ValidationError({"period": [_("请按“年-月”填写，例如 2026-05。")]}) from exc
    if period.year < FIRST_YEAR:
        raise ValidationError({"period": [_("统计期间不能早于2000年。")]})
    if period.month_start > today:
        raise ValidationError({"period": [_("统计期间不能晚于本月。")]})
    return period


def check_year(year: int | str | None) -> int:
    """A report year: 2000 to this year (this year's report covers up to 30 September)."""
    text = str(year if year is not None else "").strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= timezone.localdate().year:
        raise ValidationError({"year": [_("年度须在2000年至今年之间。")]})
    return int(text)


def check_panel(panel: str) -> str:
    if panel not in PANELS:
        raise ValidationError({"panel": [_("没有这个板块。")]})
    return panel


def home_org(user) -> Organization:
    """The officer's own org (the root of the tree for a superuser)."""
    scope = scope_for(user)
    if scope.everything:
        org = Organization.objects.filter(depth=0).order_by("path").first()
    elif scope.paths:  # several roots (兼任): the first; the others through drill-down links
        org = Organization.objects.filter(path=scope.paths[0]).first()
    else:
        org = None
    if org is None:
        raise Http404
    return org


def org_for(*, user, org_id: int) -> Organization:
    return get_visible_or_404(Organization.objects.all(), user, pk=org_id)


def breadcrumbs(*, user, org: Organization) -> list[Organization]:
    """The org's ancestors from the officer's own org down (never above the scope)."""
    scope = scope_for(user)
    return [
        ancestor
        for ancestor in [*list(org.ancestors()), org]
        if scope.everything or scope.covers(ancestor.path)
    ]


def _months_back(start: datetime.date, count: int) -> list[datetime.date]:
    months = []
    year, month = start.year, start.month
    for _n in range(count):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def _sum_months(values: Counter, metric: str, start: datetime.date, end: datetime.date) -> int:
    return sum(
        value
        for (name, grain, period), value in values.items()
        if name == metric and grain == "M" and start <= period <= end
    )


def rate(numerator: int | None, denominator: int | None) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


# ---- Panels ------------------------------------------------------------------------------------


def members_panel(values: Counter, period: Period) -> dict:
    def total(metric):
        return values[(metric, "T", TOTAL_PERIOD)]

    month, year = period.month_start, period.year_start
    year_end = datetime.date(period.year, 12, 1)
    active = total("m.active")
    return {
        "active": active,
        "pending": total("m.pending"),
        "women": total("m.active.female"),
        "women_share": rate(total("m.active.female"), active),
        "migrant_workers": total("m.active.migrant"),
        "joined_month": _sum_months(values, "m.joined", month, month),
        "joined_year": _sum_months(values, "m.joined", year, year_end),
        "left_month": _sum_months(values, "m.left", month, month),
        "left_year": _sum_months(values, "m.left", year, year_end),
        "by_group": [
            {"key": key, "label": str(label), "count": total(f"m.active.g.{key}")}
            for key, label in OccupationGroup.choices
        ],
        "by_channel": [
            {"key": key, "label": str(label), "count": total(f"m.active.ch.{key}")}
            for key, label in JoinChannel.choices
        ],
    }


def organisation_panel(org: Organization, today: datetime.date) -> dict:
    unions = Organization.objects.filter(path__subtree_of=org.path, dissolved_on__isnull=True)
    by_level = Counter(dict(unions.values_list("level").annotate(n=Count("id")).order_by()))
    by_type = Counter(dict(unions.values_list("org_type").annotate(n=Count("id")).order_by()))
    coverage = coverage_for(user=SYSTEM, org_id=org.pk)
    cases = FoundingCase.objects.filter(parent_org__path__subtree_of=org.path)
    open_cases = cases.filter(status=FoundingStatus.OPEN)
    steps = Counter(dict(open_cases.values_list("current_step").annotate(n=Count("id")).order_by()))
    overdue_steps = FoundingCaseStep.objects.filter(
        case__in=open_cases,
        step=F("case__current_step"),
        due_on__lt=today,
        signed_off_at__isnull=True,
    ).count()
    return {
        "unions": sum(by_level.values()),
        "by_level": [
            {"key": k, "label": str(v), "count": by_level[k]} for k, v in OrgLevel.choices
        ],
        "by_type": [{"key": k, "label": str(v), "count": by_type[k]} for k, v in OrgType.choices],
        "enterprises": coverage["enterprises"],
        "big_rate": coverage["big_rate"],
        "small_rate": coverage["small_rate"],
        "member_rate": coverage["member_rate"],
        "founding_open": open_cases.count(),
        "founding_established": cases.filter(status=FoundingStatus.ESTABLISHED).count(),
        "founding_by_step": [
            {"key": k, "label": str(v), "count": steps[k]} for k, v in FoundingStep.choices
        ],
        "founding_overdue_steps": overdue_steps,
    }


def service_panel(org: Organization, values: Counter, period: Period, today) -> dict:
    path = org.path
    month = period.month_start
    year, year_end = period.year_start, datetime.date(period.year, 12, 31)
    stations = Station.objects.filter(operator__path__subtree_of=path, is_active=True).count()
    cases = Case.objects.filter(handling_union__path__subtree_of=path)
    overdue = cases.filter(status__in=OPEN_STATUSES, due_on__lt=today).count()
    resolved_year = cases.filter(
        resolved_at__date__gte=year, resolved_at__date__lte=year_end
    ).aggregate(
        total=Count("id"),
        on_time=Count("id", filter=Q(resolved_at__date__lte=F("resolve_due"))),
        satisfaction=Avg("rating"),
    )
    aid = HardshipDisbursement.objects.filter(
        application__union__path__subtree_of=path, paid_on__gte=year, paid_on__lte=year_end
    ).aggregate(amount=Sum("amount"), people=Count("member", distinct=True))
    mutual_aid = MutualAidEnrolment.objects.filter(
        union__path__subtree_of=path, year=period.year
    ).aggregate(participants=Sum("participants"))
    attended = Enrollment.objects.filter(
        session__course__org__path__subtree_of=path,
        attended_at__date__gte=year,
        attended_at__date__lte=year_end,
    ).count()
    entries = ContestEntry.objects.filter(
        contest__org__path__subtree_of=path,
        created_at__date__gte=year,
        created_at__date__lte=year_end,
    ).count()
    satisfaction = resolved_year["satisfaction"]
    return {
        "stations": stations,
        "checkins_month": _sum_months(values, "s.checkin", month, month),
        "checkins_year": _sum_months(values, "s.checkin", year, datetime.date(period.year, 12, 1)),
        "cases_open": values[("c.open", "T", TOTAL_PERIOD)],
        "cases_overdue": overdue,
        "cases_resolved_year": resolved_year["total"],
        "cases_resolved_on_time_rate": rate(resolved_year["on_time"], resolved_year["total"]),
        "satisfaction": round(satisfaction, 2) if satisfaction is not None else None,
        "aid_paid_year": str(aid["amount"] or 0),
        "aid_people_year": aid["people"],
        "mutual_aid_participants": mutual_aid["participants"] or 0,
        "training_attended_year": attended,
        "contest_entries_year": entries,
        "deliveries_year": [
            {
                "key": key,
                "label": str(label),
                "count": _sum_months(values, f"d.{key}", year, datetime.date(period.year, 12, 1)),
            }
            for key, label in CampaignKind.choices
        ],
    }


def circle_panel(*, user, org: Organization) -> dict:
    """The service-circle share of the subtree (the stations app computes it): members, by
    their work location, and enterprises within reach of an active station."""
    result = coverage_for_org(user=user, org=org, minutes=CIRCLE_MINUTES, mode=CIRCLE_MODE, top_k=0)
    members, enterprises = result["members"], result["enterprises"]
    located = members.total if members else 0
    covered = members.covered if members else 0
    return {
        "minutes": CIRCLE_MINUTES,
        "mode": CIRCLE_MODE,
        "members_located": located,
        "members_covered": covered,
        "members_without_location": result.get("members_without_location", 0),
        "member_share": rate(covered, located),
        "enterprises": enterprises["total"] if enterprises else 0,
        "enterprises_covered": enterprises["covered"] if enterprises else 0,
        "enterprise_share": rate(enterprises["covered"], enterprises["total"])
        if enterprises
        else None,
    }


def trends_panel(values: Counter, period: Period) -> dict:
    months = _months_back(period.month_start, TREND_MONTHS)

    def series(metric):
        return [_sum_months(values, metric, m, m) for m in months]

    deliveries = [
        sum(
            value
            for (name, grain, when), value in values.items()
            if grain == "M" and when == m and name.startswith("d.")
        )
        for m in months
    ]
    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "joined": series("m.joined"),
        "left": series("m.left"),
        "checkins": series("s.checkin"),
        "cases_resolved": series("c.resolved"),
        "deliveries": deliveries,
    }


def children_panel(org: Organization) -> list[dict]:
    children = list(
        Organization.objects.filter(parent=org, dissolved_on__isnull=True).order_by("path")
    )
    read = rollups.read([child.path for child in children]) if children else {}
    rows = []
    for child in children:
        values = read.get(child.path, Counter())
        rows.append(
            {
                "id": child.pk,
                "name": child.name,
                "region_code": child.region_code,
                "level": child.level,
                "active": values[("m.active", "T", TOTAL_PERIOD)],
                "pending": values[("m.pending", "T", TOTAL_PERIOD)],
                "cases_open": values[("c.open", "T", TOTAL_PERIOD)],
            }
        )
    return rows


def funnel_panel(organisation: dict) -> list[dict]:
    """Founding cases that reached each step: a case now at step n has passed the steps
    before it; established ones passed them all."""
    steps = organisation["founding_by_step"]
    established = organisation["founding_established"]
    return [
        {
            "key": row["key"],
            "label": row["label"],
            "count": sum(later["count"] for later in steps[index:]) + established,
        }
        for index, row in enumerate(steps)
    ]


def cockpit(
    *, user, org_id: int | None = None, period: Period | None = None, circle: bool = False
) -> dict:
    """Every panel for one org in the user's scope (their own org when ``org_id`` is None).
    The service circle only with ``circle=True`` (it reads every located member of the
    subtree: the page loads it after the rest, the API and the export ask for it)."""
    org = org_for(user=user, org_id=org_id) if org_id is not None else home_org(user)
    today = timezone.localdate()
    period = period or parse_period(None, today=today)
    since = _months_back(period.month_start, TREND_MONTHS)[0]
    since = min(since, period.year_start)
    values = rollups.read([org.path], since=since)[org.path]
    organisation = organisation_panel(org, today)
    return {
        "org": {"id": org.pk, "name": org.name, "path": org.path, "region_code": org.region_code},
        "period": str(period),
        "members": members_panel(values, period),
        "organisation": organisation,
        "service": service_panel(org, values, period, today),
        "circle": circle_panel(user=user, org=org) if circle else None,
        "trends": trends_panel(values, period),
        "children": children_panel(org),
        "funnel": funnel_panel(organisation),
    }


def rollup_figures(*, org: Organization, period: Period) -> dict:
    """Only the rollup-maintained figures (the bench compares these with GROUP BY)."""
    since = min(_months_back(period.month_start, TREND_MONTHS)[0], period.year_start)
    values = rollups.read([org.path], since=since)[org.path]
    return {
        "members": members_panel(values, period),
        "trends": trends_panel(values, period),
        "cases_open": values[("c.open", "T", TOTAL_PERIOD)],
    }


# ---- The annual statistics report (统计年报) ---------------------------------------------------


def report_data(union: Organization, year: int) -> dict[str, int]:
    """The report's rows filled from the data, for the union's subtree and reference period
    (stocks as they stand now, flows within the period)."""
    start, end = annual.reference_period(year)
    path = union.path
    in_period = {"created_at__date__gte": start, "created_at__date__lte": end}
    active = Q(status=core_figures.MEMBER_ACTIVE)
    counts = {
        "members": Count("id", filter=active),
        "women_members": Count("id", filter=active & Q(gender="F")),
        "migrant_members": Count("id", filter=active & Q(is_migrant_worker=True)),
        "new_form_members": Count("id", filter=active & ~Q(occupation_group=OccupationGroup.OTHER)),
        "online_members": Count("id", filter=active & Q(channel=JoinChannel.ONLINE)),
    }
    for key in OccupationGroup.values:
        if key != OccupationGroup.OTHER:
            counts[f"group_{key}"] = Count("id", filter=active & Q(occupation_group=key))
    out = Member.objects.filter(union__path__subtree_of=path).aggregate(**counts)
    events = MemberEvent.objects.filter(union__path__subtree_of=path, **in_period)
    out["new_members"] = events.filter(kind="join").count()
    out["left_members"] = events.filter(kind__in=core_figures.LEAVING_EVENT_KINDS).count()
    enterprises = Enterprise.objects.filter(union__path__subtree_of=path).aggregate(
        n=Count("id"), employees=Sum("employees")
    )
    out["employees"] = enterprises["employees"] or 0
    out["enterprises"] = enterprises["n"]
    out["sub_unions"] = (
        Organization.objects.filter(path__subtree_of=path, dissolved_on__isnull=True)
        .exclude(pk=union.pk)
        .count()
    )
    congresses = WorkerCongress.objects.filter(
        enterprise__union__path__subtree_of=path, term_starts_on__lte=end, term_ends_on__gte=end
    ).aggregate(n=Count("id"), delegates=Sum("delegates"))
    out["congresses"] = congresses["n"]
    out["congress_delegates"] = congresses["delegates"] or 0
    out["congress_sessions"] = CongressSession.objects.filter(
        congress__enterprise__union__path__subtree_of=path, held_on__gte=start, held_on__lte=end
    ).count()
    agreements = (
        WageAgreement.objects.filter(
            Q(org__path__subtree_of=path) | Q(enterprise__union__path__subtree_of=path),
            signed_on__gte=start,
            signed_on__lte=end,
        )
        .distinct()
        .aggregate(n=Count("id"), workers=Sum("covered_workers"))
    )
    out["wage_agreements"] = agreements["n"]
    out["agreement_workers"] = agreements["workers"] or 0
    out["stations"] = Station.objects.filter(
        operator__path__subtree_of=path, is_active=True
    ).count()
    out["checkins"] = CheckIn.objects.filter(
        station__operator__path__subtree_of=path, **in_period
    ).count()
    aid = HardshipDisbursement.objects.filter(
        application__union__path__subtree_of=path, paid_on__gte=start, paid_on__lte=end
    ).aggregate(amount=Sum("amount"), people=Count("member", distinct=True))
    out["aid_paid_yuan"] = int(aid["amount"] or 0)
    out["aid_people"] = aid["people"]
    out["mutual_aid_participants"] = (
        MutualAidEnrolment.objects.filter(union__path__subtree_of=path, year=year).aggregate(
            n=Sum("participants")
        )["n"]
        or 0
    )
    out["deliveries"] = Delivery.objects.filter(
        campaign__organizer__path__subtree_of=path,
        delivered_at__date__gte=start,
        delivered_at__date__lte=end,
    ).count()
    out["cases_resolved"] = Case.objects.filter(
        handling_union__path__subtree_of=path,
        resolved_at__date__gte=start,
        resolved_at__date__lte=end,
    ).count()
    return {key: int(out[key] or 0) for key in annual.DATA_KEYS}


def report_rollup(*, user, org: Organization, year: int) -> dict:
    """The approved reports of the subtree summed level by level: the org's total, and one
    line per child union (its subtree's approved reports), with who has not submitted."""
    reports = list(
        AnnualReport.objects.visible_to(user)
        .filter(union__path__subtree_of=org.path, year=year)
        .values_list("union__path", "status", "figures", "typed")
    )
    grassroots = Organization.objects.filter(
        path__subtree_of=org.path, level=OrgLevel.GRASSROOTS, dissolved_on__isnull=True
    )
    done = {path for path, status, _f, _t in reports if status in _SENT}
    children = list(
        Organization.objects.filter(parent=org, dissolved_on__isnull=True).order_by("path")
    )
    below = len(org.path) + PATH_STEP
    lines = {child.path: _line(child) for child in children}
    total = _line(org)
    missing = []
    for union in grassroots.only("pk", "name", "path").order_by("path").iterator():
        if union.path not in done:
            missing.append(union)
        for line in (total, lines.get(union.path[:below])):
            if line is not None:
                line["grassroots"] += 1
                line["missing"] += union.path not in done
    for path, status, figures, typed in reports:
        for line in (total, lines.get(path[:below])):
            if line is None:
                continue
            line[status] = line.get(status, 0) + 1
            if status == ReportStatus.APPROVED:
                for row in annual.ROWS:
                    source = typed if row.key in annual.TYPED_KEYS else figures
                    line["totals"][row.key] += int(source.get(row.key) or 0)
    return {
        **total,
        "children": [lines[child.path] for child in children],
        "missing_unions": missing,
    }


_SENT = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def _line(org: Organization) -> dict:
    return {
        "org": org,
        "grassroots": 0,
        "missing": 0,
        ReportStatus.APPROVED: 0,
        ReportStatus.SUBMITTED: 0,
        "totals": dict.fromkeys((row.key for row in annual.ROWS), 0),
    }
