import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.campaigns.tests import factories as campaign_factories
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

from .. import selectors, services
from . import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_ranking_orders_by_total_with_shared_ranks_for_ties(personas):
    contest = factories.contest(personas.yancheng)
    first_round, final = contest.rounds.order_by("position")
    a, b, c = (services.contest_entry_add(actor=SYSTEM, contest=contest, name=n) for n in "甲乙丙")
    for entry, s1, s2 in ((a, 80, 90), (b, 90, 80), (c, 70, 70)):
        services.score_record(actor=SYSTEM, contest_round=first_round, entry=entry, score=s1)
        services.score_record(actor=SYSTEM, contest_round=final, entry=entry, score=s2)
    ranking = [(e.name, e.rank, e.total) for e in selectors.ranking(contest=contest)]
    assert ranking == [("甲", 1, 170), ("乙", 1, 170), ("丙", 3, 140)]


def test_rescoring_an_entry_replaces_its_round_score(personas):
    contest = factories.contest(personas.yancheng)
    final = contest.rounds.last()
    entry = services.contest_entry_add(actor=SYSTEM, contest=contest, name="甲")
    services.score_record(actor=SYSTEM, contest_round=final, entry=entry, score=60)
    services.score_record(actor=SYSTEM, contest_round=final, entry=entry, score=65)
    assert entry.scores.get().score == 65


def test_member_enters_a_contest_once(personas):
    contest = factories.contest(personas.yancheng)
    member = campaign_factories.member(personas.yancheng_project)
    services.contest_entry_add(actor=SYSTEM, contest=contest, member=member)
    with nothing_written(), pytest.raises(ValidationError):
        services.contest_entry_add(actor=SYSTEM, contest=contest, member=member)


def test_craftsman_goes_through_notice_before_the_award(personas):
    craftsman = services.craftsman_nominate(
        actor=SYSTEM, org=personas.yancheng, name="李工", employer="厂", trade="焊工", year=2026
    )
    day = datetime.date(2026, 5, 1)
    craftsman = services.craftsman_advance(actor=SYSTEM, craftsman=craftsman, today=day)
    assert craftsman.status == "review"
    with nothing_written(), pytest.raises(ValidationError) as exc:
        services.craftsman_advance(actor=SYSTEM, craftsman=craftsman, today=day)
    assert "notice_ends_on" in exc.value.message_dict
    notice_end = day + datetime.timedelta(days=7)
    craftsman = services.craftsman_advance(
        actor=SYSTEM, craftsman=craftsman, notice_ends_on=notice_end, today=day
    )
    with nothing_written(), pytest.raises(ValidationError):
        services.craftsman_advance(actor=SYSTEM, craftsman=craftsman, today=notice_end)
    craftsman = services.craftsman_advance(
        actor=SYSTEM, craftsman=craftsman, today=notice_end + datetime.timedelta(days=1)
    )
    assert craftsman.status == "awarded"
