import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.scoping import SYSTEM

from .. import selectors, services
from ..models import Discount, JobPosting
from . import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_open_jobs_are_sorted_by_distance_and_expired_ones_disappear(personas):
    far = factories.job(personas.liuyang, title="远", latitude=28.5, longitude=114.0)
    near = factories.job(personas.liuyang, title="近", latitude=28.175, longitude=113.653)
    gone = factories.job(personas.liuyang, title="过期", latitude=28.175, longitude=113.652)
    JobPosting.objects.filter(pk=gone.pk).update(expires_on=TODAY() - datetime.timedelta(days=1))
    jobs = selectors.open_jobs(lat=28.1745, lon=113.6520, within_km=100)  # far: 48 km
    assert [j.pk for j in jobs] == [near.pk, far.pk]
    assert jobs[0].distance_km < 1 < jobs[1].distance_km


def test_open_jobs_filter_by_category(personas):
    factories.job(personas.liuyang, category="logistics")
    care = factories.job(personas.liuyang, category="care", title="护工")
    assert [j.pk for j in selectors.open_jobs(category="care")] == [care.pk]


def test_job_pay_range_must_be_ordered(personas):
    with pytest.raises(ValidationError) as exc:
        factories.job(personas.liuyang, pay_min=9000, pay_max=5000)
    assert "pay_max" in exc.value.message_dict


def test_discounts_outside_their_validity_are_not_listed(personas):
    today = TODAY()
    live = services.discount_create(
        actor=SYSTEM, org=personas.liuyang, merchant="食堂", offer="九折", category="food",
        valid_from=today, valid_until=today, place="新屋岭",
    )  # fmt: skip
    later = services.discount_create(
        actor=SYSTEM, org=personas.liuyang, merchant="超市", offer="满减", category="shopping",
        valid_from=today + datetime.timedelta(days=3),
        valid_until=today + datetime.timedelta(days=9), place="新屋岭",
    )  # fmt: skip
    assert [d.pk for d in selectors.open_discounts()] == [live.pk]
    assert Discount.objects.filter(pk=later.pk).exists()


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
    member = factories.member(personas.yancheng_project)
    services.contest_entry_add(actor=SYSTEM, contest=contest, member=member)
    with pytest.raises(ValidationError):
        services.contest_entry_add(actor=SYSTEM, contest=contest, member=member)


def test_craftsman_goes_through_notice_before_the_award(personas):
    craftsman = services.craftsman_nominate(
        actor=SYSTEM, org=personas.yancheng, name="李工", employer="厂", trade="焊工", year=2026
    )
    day = datetime.date(2026, 5, 1)
    craftsman = services.craftsman_advance(actor=SYSTEM, craftsman=craftsman, today=day)
    assert craftsman.status == "review"
    with pytest.raises(ValidationError) as exc:
        services.craftsman_advance(actor=SYSTEM, craftsman=craftsman, today=day)
    assert "notice_ends_on" in exc.value.message_dict
    notice_end = day + datetime.timedelta(days=7)
    craftsman = services.craftsman_advance(
        actor=SYSTEM, craftsman=craftsman, notice_ends_on=notice_end, today=day
    )
    with pytest.raises(ValidationError):
        services.craftsman_advance(actor=SYSTEM, craftsman=craftsman, today=notice_end)
    craftsman = services.craftsman_advance(
        actor=SYSTEM, craftsman=craftsman, today=notice_end + datetime.timedelta(days=1)
    )
    assert craftsman.status == "awarded"


def test_invitation_letter_sets_a_20_day_deadline_and_advisory_waits_for_it(personas):
    firm = factories.enterprise(personas.liuyang, union=personas.xinwuling)
    sent = datetime.date(2026, 3, 2)
    procedure = services.procedure_open(
        actor=SYSTEM, org=personas.xinwuling, enterprise=firm, sent_on=sent
    )
    invitation = procedure.letters.get()
    assert invitation.due_on == sent + datetime.timedelta(days=20)
    with pytest.raises(ValidationError):
        services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="advisory",
                                      sent_on=sent + datetime.timedelta(days=10))  # fmt: skip
    with pytest.raises(ValidationError):
        services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="notice",
                                      sent_on=sent + datetime.timedelta(days=60))  # fmt: skip
    services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="advisory",
                                  sent_on=sent + datetime.timedelta(days=21))  # fmt: skip
    services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="notice",
                                  sent_on=sent + datetime.timedelta(days=40))  # fmt: skip
    procedure.refresh_from_db()
    assert procedure.status == "escalated"


def test_response_closes_the_procedure_as_agreed(personas):
    firm = factories.enterprise(personas.liuyang, union=personas.xinwuling)
    procedure = services.procedure_open(
        actor=SYSTEM, org=personas.xinwuling, enterprise=firm, sent_on=datetime.date(2026, 3, 2)
    )
    services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="response",
                                  sent_on=datetime.date(2026, 3, 10))  # fmt: skip
    procedure.refresh_from_db()
    assert procedure.status == "agreed"


def test_agreement_review_goes_submitted_then_approved(personas):
    agreement = factories.agreement(personas.xinwuling)
    with pytest.raises(ValidationError):
        services.agreement_review(actor=SYSTEM, agreement=agreement, status="approved")
    services.agreement_review(actor=SYSTEM, agreement=agreement, status="submitted")
    agreement = services.agreement_review(actor=SYSTEM, agreement=agreement, status="approved")
    assert agreement.review_status == "approved" and agreement.reviewed_on == TODAY()


def test_enterprise_agreement_needs_an_enterprise(personas):
    with pytest.raises(ValidationError) as exc:
        factories.agreement(personas.xinwuling, level="enterprise")
    assert "enterprise_id" in exc.value.message_dict


def test_congress_rate_counts_unionised_enterprises_with_a_congress_in_term(personas):
    today = TODAY()
    firms = [factories.enterprise(personas.liuyang, union=personas.xinwuling) for _ in range(4)]
    factories.enterprise(personas.liuyang)  # no union: not in the denominator
    for firm in firms[:3]:
        services.congress_create(actor=SYSTEM, enterprise=firm, term_starts_on=today,
                                 term_ends_on=today + datetime.timedelta(days=1800))  # fmt: skip
    services.congress_create(
        actor=SYSTEM, enterprise=firms[3], term_starts_on=today - datetime.timedelta(days=3000),
        term_ends_on=today - datetime.timedelta(days=1200),
    )  # fmt: skip
    rate = selectors.congress_rate(org=personas.hunan)
    assert (rate.numerator, rate.denominator, rate.percent) == (3, 4, 75.0)
    assert selectors.congress_rate(org=personas.henan).percent is None


def test_the_nearest_job_is_listed_even_beyond_the_page_size(personas):
    for i in range(5):
        factories.job(personas.liuyang, title=f"远{i}", latitude=28.25, longitude=113.70)
    near = factories.job(personas.liuyang, title="近", latitude=28.175, longitude=113.653,
                         expires_on=TODAY() + datetime.timedelta(days=300))  # fmt: skip
    jobs = selectors.open_jobs(lat=28.1745, lon=113.6520, limit=3)
    assert jobs[0].pk == near.pk and len(jobs) == 3
