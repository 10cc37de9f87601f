"""The data-driven 六强 indicators of a county union, read through the owning apps' selectors.

Every figure is for the county's subtree and the evaluation year (rates as percentages, one
decimal; ``None`` when nothing could be measured, e.g. no enterprises at all)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.choices import OrgLevel

from .choices import Measure

SERVICE_CIRCLE_MINUTES = 15
SERVICE_CIRCLE_MODE = "walk"


def _rate(numerator, denominator) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


def year_day(year: int) -> datetime.date:
    """The day the year's state is read on: 31 December, or today during the year."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def county_figures(county, year: int) -> dict[str, float | int | None]:
    from gonghui.aid.selectors import disbursement_list
    from gonghui.bargaining.selectors import congress_rate
    from gonghui.cases.selectors import case_list
    from gonghui.enterprises.selectors import coverage_for
    from gonghui.stations.selectors import coverage_for_org, station_list

    from .selectors import committees_in_term

    coverage = coverage_for(user=SYSTEM, org_id=county.pk)
    stations = station_list(user=SYSTEM).filter(
        operator__path__subtree_of=county.path, is_active=True
    )
    circle = coverage_for_org(
        user=SYSTEM,
        org=county,
        minutes=SERVICE_CIRCLE_MINUTES,
        mode=SERVICE_CIRCLE_MODE,
    )["members"]
    resolved = (
        case_list(user=SYSTEM)
        .filter(handling_union__path__subtree_of=county.path, resolved_at__year=year)
        .aggregate(
            total=Count("id"),
            on_time=Count("id", filter=Q(resolved_at__date__lte=F("resolve_due"))),
            rated=Count("id", filter=Q(rating__isnull=False)),
            satisfied=Count("id", filter=Q(rating__gte=4)),
        )
    )
    aid = (
        disbursement_list(user=SYSTEM)
        .filter(application__union__path__subtree_of=county.path, paid_on__year=year)
        .aggregate(amount=Sum("amount"))["amount"]
    )
    congress = congress_rate(org=county, on=year_day(year))
    in_term, grassroots = committees_in_term(
        org=county, on=year_day(year), level=OrgLevel.GRASSROOTS
    )
    return {
        Measure.FORMATION_RATE: coverage["big_rate"],
        Measure.MEMBERSHIP_RATE: coverage["member_rate"],
        Measure.STATIONS: stations.count(),
        Measure.SERVICE_CIRCLE: (
            _rate(circle.covered, circle.total) if circle is not None else None
        ),
        Measure.CASES_ON_TIME: _rate(resolved["on_time"], resolved["total"]),
        Measure.SATISFACTION: _rate(resolved["satisfied"], resolved["rated"]),
        Measure.CONGRESS_RATE: congress.percent,
        Measure.COMMITTEES_IN_TERM: _rate(in_term, grassroots),
        Measure.AID_PAID: float(aid or 0),
    }


def score_for(indicator, measured: Decimal | None) -> Decimal | None:
    """Points for a measured value: the weight in proportion to the target, at most the weight."""
    if measured is None or not indicator.target:
        return None if measured is None else Decimal(0)
    share = min(Decimal(1), max(Decimal(0), Decimal(measured) / indicator.target))
    return (indicator.weight * share).quantize(Decimal("0.01"))
