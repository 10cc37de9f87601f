"""Random sequences of real writes (joins, approvals, leavings, transfers, moving all members,
subtree moves, cases opened and resolved, deliveries, a campaign changing kind, check-ins, folds
at random points) and, after each sequence, every org's figures read from the rollups equal a
recomputation from the raw tables: before folding (stored + deltas) and after (nothing drifts)."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.brain import rollups
from gonghui.brain.models import TOTAL_PERIOD
from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.tests.factories import campaign as make_campaign
from gonghui.cases import defaults
from gonghui.cases import services as case_services
from gonghui.cases.models import Case, CaseType, Holiday
from gonghui.core.scoping import SYSTEM
from gonghui.members import services as member_services
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, make_member
from gonghui.organizations.models import Organization
from gonghui.organizations.services import org_move
from gonghui.stations.services import checkin_record
from gonghui.stations.tests.factories import make_station

GROUPS = ["courier", "carer", "other", "food_delivery"]
KINDS = ["summer_cooling", "winter_warmth", "health_check", "culture"]

op = st.one_of(
    st.tuples(st.just("join"), st.integers(0, 3), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("withdraw"), st.integers(0, 50)),
    st.tuples(st.just("transfer"), st.integers(0, 50), st.integers(0, 3)),
    st.tuples(st.just("move_all"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("org_move"), st.booleans()),
    st.tuples(st.just("case"), st.integers(0, 50)),
    st.tuples(st.just("resolve"), st.integers(0, 50)),
    st.tuples(st.just("deliver"), st.integers(0, 50)),
    st.tuples(st.just("checkin"), st.integers(0, 1)),
    st.tuples(st.just("rekind"), st.integers(0, 3)),
    st.tuples(st.just("fold")),
)


def _pick(queryset, index):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def _run(p, step, world):
    kind = step[0]
    unions = [p.yancheng_project, p.xinwuling, p.yancheng, p.liuyang]
    unions = [Organization.objects.get(pk=u.pk) for u in unions]
    active = Member.objects.filter(status="active")
    if kind == "join":
        union = unions[step[1]]
        make_member(
            union,
            occupation_group=GROUPS[step[2]],
            id_card=id_card(union.region_code, female=step[3]),
        )
    elif kind == "withdraw":
        member = _pick(active, step[1])
        if member:
            member_services.member_set_status(actor=SYSTEM, member=member, status="withdrawn")
    elif kind == "transfer":
        member = _pick(active, step[1])
        target = unions[step[2]]
        if member and member.union_id != target.pk:
            transfer = member_services.member_transfer_request(
                actor=SYSTEM, member=member, to_union=target
            )
            member_services.member_transfer_accept(actor=SYSTEM, transfer=transfer)
    elif kind == "move_all":
        source, target = unions[step[1]], unions[step[2]]
        if source.pk != target.pk:
            member_services.members_move_all(actor=SYSTEM, from_union=source, to_union=target)
    elif kind == "org_move":
        project = Organization.objects.get(pk=p.yancheng_project.pk)
        target = p.liuyang if project.parent_id == p.yancheng.pk else p.yancheng
        org_move(actor=SYSTEM, org=project, new_parent=Organization.objects.get(pk=target.pk))
    elif kind == "case":
        member = _pick(active, step[1])
        if member:
            case_services.case_submit(
                actor=p.superuser,
                member=member,
                case_type=world["type"],
                description="拖欠工资",
                form_data={"employer": "某公司", "amount_owed": "100"},
            )
    elif kind == "resolve":
        case = _pick(Case.objects.filter(status__in=["submitted", "accepted"]), step[1])
        if case:
            for status in ("accepted", "resolved") if case.status == "submitted" else ("resolved",):
                case = case_services.case_transition(
                    actor=p.superuser, case=case, to_status=status, expected_version=case.version
                )
    elif kind == "deliver":
        member = _pick(active, step[1])
        campaign = world["campaign"]
        item = campaign.items.first()
        if member:
            campaign_services.delivery_record(
                actor=SYSTEM,
                campaign=campaign,
                item=item,
                beneficiary=campaign_services.Beneficiary(member=member),
                override_reason="再次发放",
            )
    elif kind == "checkin":
        checkin_record(station=world["stations"][step[1]])
    elif kind == "rekind":
        world["campaign"] = campaign_services.campaign_update(
            actor=SYSTEM, campaign=world["campaign"], kind=KINDS[step[1]]
        )
    elif kind == "fold":
        rollups.fold()


def _check_every_org():
    root = Organization.objects.get(depth=0)
    raw = rollups.raw_values(root.path)
    by_path: dict[str, Counter] = {}
    for (path, metric, grain, period), value in raw.items():
        by_path.setdefault(path, Counter())[(metric, grain, period)] = value
    for org in Organization.objects.all():
        read = rollups.read([org.path], since=datetime.date(2000, 1, 1))[org.path]
        read = Counter({key: value for key, value in read.items() if value})
        assert read == by_path.get(org.path, Counter()), org.name
    assert rollups.drift() == {}


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(op, min_size=1, max_size=14))
def test_rollups_equal_the_raw_tables_after_any_sequence_of_writes(personas, settings, steps):
    settings.CASES_NOTIFY_BACKEND = "gonghui.cases.notify.MemoryBackend"
    with transaction.atomic():
        defaults.seed(CaseType, Holiday)
        world = {
            "type": CaseType.objects.get(code="wage_arrears"),
            "campaign": make_campaign(personas.changsha, allow_repeat=True),
            "stations": [make_station(personas.xinwuling), make_station(personas.yancheng)],
        }
        rollups.rebuild()
        make_member(personas.xinwuling)
        for step in steps:
            _run(personas, step, world)
        _check_every_org()
        transaction.set_rollback(True)


def test_member_figures_reach_every_ancestor_before_any_fold(personas):
    make_member(personas.xinwuling, occupation_group="carer")
    read = rollups.read([personas.national.path, personas.hunan.path, personas.henan.path])
    assert read[personas.national.path][("m.active", "T", TOTAL_PERIOD)] == 1
    assert read[personas.hunan.path][("m.active.g.carer", "T", TOTAL_PERIOD)] == 1
    assert read[personas.henan.path][("m.active", "T", TOTAL_PERIOD)] == 0
