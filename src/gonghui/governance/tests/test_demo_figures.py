"""The data-driven 六强 indicators of demo counties, checked against the same figures computed by
hand here: plain loops over the raw rows, no shared query code."""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from gonghui.aid.models import HardshipDisbursement
from gonghui.bargaining.models import WorkerCongress
from gonghui.cases.models import Case
from gonghui.core.geometry import haversine_many
from gonghui.enterprises.models import CoverageRule, Enterprise
from gonghui.governance import measures
from gonghui.governance.choices import Measure
from gonghui.governance.models import Committee, Evaluation, Pairing
from gonghui.governance.selectors import pairing_coverage
from gonghui.members.models import Member
from gonghui.organizations.models import Organization
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db


def pct(numerator, denominator):
    return round(100.0 * numerator / denominator, 1) if denominator else None


def by_hand(county, year):
    prefix = county.path
    day = min(datetime.date(year, 12, 31), timezone.localdate())
    rule = CoverageRule.objects.filter(province__path=prefix[:8]).first()
    min_workers = rule.min_workers if rule else CoverageRule.DEFAULT_MIN_WORKERS
    enterprises = [
        e for e in Enterprise.objects.select_related("street_org", "union")
        if e.street_org.path.startswith(prefix)
    ]  # fmt: skip

    def covered(e):
        return e.union is not None and e.union.dissolved_on is None

    big = [e for e in enterprises if e.kind != "social" and e.employees >= min_workers]
    employees = sum(e.employees for e in enterprises)
    members_at_work = sum(
        1 for m in Member.objects.select_related("employer__street_org")
        if m.status == "active" and m.employer_id and m.employer.street_org.path.startswith(prefix)
    )  # fmt: skip
    stations = [s for s in Station.objects.select_related("operator") if s.is_active]
    own_stations = [s for s in stations if s.operator.path.startswith(prefix)]
    located = [
        (float(m.work_latitude), float(m.work_longitude))
        for m in Member.objects.select_related("union")
        if m.status == "active" and m.union.path.startswith(prefix)
        and m.work_latitude is not None and m.work_longitude is not None
    ]  # fmt: skip
    radius = 4.8 * 1000 * 15 / 60 / 1.3  # 15 minutes' walk, 1.3 detour
    near = 0
    if located:
        people = np.array(located)
        reached = np.zeros(len(people), dtype=bool)
        for s in stations:
            reached |= haversine_many(float(s.latitude), float(s.longitude),
                                      people[:, 0], people[:, 1]) <= radius  # fmt: skip
        near = int(reached.sum())
    resolved = [
        c for c in Case.objects.select_related("handling_union")
        if c.handling_union.path.startswith(prefix) and c.resolved_at
        and timezone.localtime(c.resolved_at).year == year
    ]  # fmt: skip
    on_time = [c for c in resolved if timezone.localtime(c.resolved_at).date() <= c.resolve_due]
    rated = [c for c in resolved if c.rating is not None]
    aid = sum(
        d.amount for d in HardshipDisbursement.objects.select_related("application__union")
        if d.application.union.path.startswith(prefix) and d.paid_on.year == year
    )  # fmt: skip
    unionised = [e for e in enterprises if e.union_id is not None]
    congress_ids = {
        c.enterprise_id for c in WorkerCongress.objects.all()
        if c.term_starts_on <= day <= c.term_ends_on
    }  # fmt: skip
    grassroots = [
        o for o in Organization.objects.filter(level="grassroots", dissolved_on__isnull=True)
        if o.path.startswith(prefix)
    ]  # fmt: skip
    in_term = {c.org_id for c in Committee.objects.all() if c.starts_on <= day <= c.ends_on}
    return {
        Measure.FORMATION_RATE: pct(sum(1 for e in big if covered(e)), len(big)),
        Measure.MEMBERSHIP_RATE: pct(members_at_work, employees),
        Measure.STATIONS: len(own_stations),
        Measure.SERVICE_CIRCLE: pct(near, len(located)),
        Measure.CASES_ON_TIME: pct(len(on_time), len(resolved)),
        Measure.SATISFACTION: pct(sum(1 for c in rated if c.rating >= 4), len(rated)),
        Measure.CONGRESS_RATE: pct(
            sum(1 for e in unionised if e.pk in congress_ids), len(unionised)
        ),
        Measure.COMMITTEES_IN_TERM: pct(
            sum(1 for o in grassroots if o.pk in in_term), len(grassroots)
        ),
        Measure.AID_PAID: float(aid),
    }


COUNTIES = ["浏阳市总工会", "衡南县总工会", "连云区总工会", "郾城区总工会"]


def test_data_driven_indicators_match_the_figures_computed_by_hand(demo):
    year = timezone.localdate().year
    measured_somewhere = set()
    for name in COUNTIES:
        county = Organization.objects.get(name=name)
        expected = by_hand(county, year)
        assert measures.county_figures(county, year) == expected, name
        measured_somewhere |= {measure for measure, value in expected.items() if value}
    # The demo has data behind them: the comparison is not only between empty figures.
    assert {Measure.FORMATION_RATE, Measure.MEMBERSHIP_RATE} <= measured_somewhere


def test_demo_pairs_every_hunan_county_and_carries_one_evaluation_through(demo):
    hunan = Organization.objects.get(name="湖南省总工会")
    coverage = pairing_coverage(user=_system(), province=hunan)
    assert coverage["paired"] == coverage["counties"] > 0
    assert Pairing.objects.filter(county__path__startswith=hunan.path).count() == coverage["paired"]
    evaluation = Evaluation.objects.get(county__name="浏阳市总工会")
    assert evaluation.status == "signed_off" and evaluation.province_comment
    assert evaluation.total == sum(s.final or 0 for s in evaluation.scores.all())


def _system():
    from gonghui.core.scoping import SYSTEM

    return SYSTEM
