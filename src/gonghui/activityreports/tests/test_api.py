"""The API: scope matrix (out of scope is 404 and nothing is written), anonymous 401, bad input
gets 4xx with field errors and writes nothing, public reads need no login."""

import datetime

import pytest
from django.utils import timezone

from gonghui.bargaining import services as bargaining_services
from gonghui.bargaining.models import BargainingProcedure, WageAgreement, WorkerCongress
from gonghui.bargaining.tests import factories as bargaining_factories
from gonghui.benefits.models import JobPosting
from gonghui.benefits.tests import factories as benefit_factories
from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.models import Campaign, Delivery
from gonghui.campaigns.tests import factories as campaign_factories
from gonghui.contests import services as contest_services
from gonghui.contests.models import ContestScore
from gonghui.contests.tests import factories as contest_factories
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises.tests import factories as enterprise_factories
from gonghui.learning import services as learning_services
from gonghui.learning.models import Enrollment
from gonghui.learning.tests import factories as learning_factories
from gonghui.members.card import card_token_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def hunan(personas):
    """One of everything in 湖南 (浏阳/新屋岭), outside 漯河's scope."""
    campaign = campaign_factories.campaign(personas.liuyang)
    member = campaign_factories.member(personas.xinwuling)
    delivery = campaign_services.delivery_record(
        actor=SYSTEM, campaign=campaign, item=campaign.items.get(),
        beneficiary=campaign_services.Beneficiary(member=member),
    )  # fmt: skip
    session = learning_factories.session(personas.xinwuling)
    enrollment = learning_services.enrollment_signup(actor=SYSTEM, session=session, member=member)
    contest = contest_factories.contest(personas.liuyang)
    entry = contest_services.contest_entry_add(actor=SYSTEM, contest=contest, name="参赛人")
    craftsman = contest_services.craftsman_nominate(
        actor=SYSTEM, org=personas.liuyang, name="工匠", employer="厂", trade="焊工", year=2025
    )
    enterprise = enterprise_factories.enterprise(personas.liuyang, union=personas.xinwuling)
    procedure = bargaining_services.procedure_open(
        actor=SYSTEM, org=personas.xinwuling, enterprise=enterprise, sent_on=TODAY()
    )
    return {
        "campaign": campaign,
        "delivery": delivery,
        "member": member,
        "session": session,
        "enrollment": enrollment,
        "contest": contest,
        "round": contest.rounds.first(),
        "entry": entry,
        "craftsman": craftsman,
        "job": benefit_factories.job(personas.liuyang),
        "agreement": bargaining_factories.agreement(personas.xinwuling),
        "procedure": procedure,
        "enterprise": enterprise,
        "congress": bargaining_services.congress_create(
            actor=SYSTEM,
            enterprise=enterprise,
            term_starts_on=TODAY(),
            term_ends_on=TODAY() + datetime.timedelta(days=365 * 3),
        ),
    }


def test_city_officer_gets_404_for_hunan_objects_on_every_read(personas, hunan, api):
    client = api(personas.luohe_officer)
    urls = [
        f"/api/activities/campaigns/{hunan['campaign'].pk}",
        f"/api/activities/campaigns/{hunan['campaign'].pk}/deliveries",
        f"/api/activities/sessions/{hunan['session'].pk}",
        f"/api/activities/contests/{hunan['contest'].pk}",
        f"/api/activities/contests/{hunan['contest'].pk}/ranking",
        f"/api/activities/congress-rate/{personas.liuyang.pk}",
    ]
    hidden = [hunan["campaign"].name, hunan["contest"].name, personas.liuyang.name]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"] and not any(n in response.content.decode() for n in hidden)


def test_city_officer_lists_show_nothing_from_hunan(personas, hunan, api):
    client = api(personas.luohe_officer)
    for url in ["campaigns", "courses", "jobs", "contests", "craftsmen", "agreements",
                "bargaining", "congresses", "studios"]:  # fmt: skip
        response = client.get(f"/api/activities/{url}")
        assert response.status_code == 200, url
        assert response.json()["count"] == 0, url
    hunan_client = api(personas.hunan_officer)
    assert hunan_client.get("/api/activities/campaigns").json()["count"] == 1


def test_city_officer_writes_to_hunan_objects_are_404_and_nothing_changes(personas, hunan, api):
    client = api(personas.luohe_officer)
    token = card_token_for(hunan["member"])
    writes = [
        (f"/api/activities/campaigns/{hunan['campaign'].pk}/deliveries",
         {"item_id": hunan["delivery"].item_id, "card_token": token, "override_reason": "x"}),
        (f"/api/activities/campaigns/{hunan['campaign'].pk}/items", {"name": "新物资"}),
        (f"/api/activities/sessions/{hunan['session'].pk}/attendance", {"card_token": token}),
        (f"/api/activities/enrollments/{hunan['enrollment'].pk}/cancel", {}),
        (f"/api/activities/contests/{hunan['contest'].pk}/scores",
         {"round_id": hunan["round"].pk, "entry_id": hunan["entry"].pk, "score": 50}),
        (f"/api/activities/craftsmen/{hunan['craftsman'].pk}/advance", {}),
        (f"/api/activities/agreements/{hunan['agreement'].pk}/review", {"status": "submitted"}),
        (f"/api/activities/bargaining/{hunan['procedure'].pk}/letters",
         {"kind": "response", "sent_on": str(TODAY())}),
    ]  # fmt: skip
    patches = [
        (f"/api/activities/campaigns/{hunan['campaign'].pk}", {"name": "改名"}),
        (f"/api/activities/jobs/{hunan['job'].pk}", {"title": "改名"}),
        (f"/api/activities/agreements/{hunan['agreement'].pk}", {"title": "改名"}),
    ]
    with nothing_written():
        for url, payload in writes:
            assert client.post(url, payload).status_code == 404, url
        for url, payload in patches:
            assert client.patch(url, payload).status_code == 404, url
    assert Delivery.objects.count() == 1
    assert Campaign.objects.get().name == hunan["campaign"].name
    assert JobPosting.objects.get().title == hunan["job"].title
    assert not ContestScore.objects.exists()
    assert Enrollment.objects.get().status == "enrolled"
    assert WageAgreement.objects.get().review_status == "not_submitted"
    assert BargainingProcedure.objects.get().status == "open"


def test_creating_under_a_hunan_org_is_a_field_error(personas, hunan, api):
    client = api(personas.luohe_officer)
    today = str(TODAY())
    with nothing_written():
        response = client.post("/api/activities/campaigns", {
            "organizer_id": personas.liuyang.pk, "name": "越权", "kind": "summer_cooling",
            "starts_on": today, "ends_on": today,
        })  # fmt: skip
    assert response.status_code == 422
    assert "organizer_id" in response.json()["errors"]
    assert Campaign.objects.count() == 1


def test_out_of_scope_enterprise_is_a_field_error_and_nothing_written(personas, hunan, api):
    client = api(personas.luohe_officer)
    today = TODAY()
    with nothing_written():
        response = client.post("/api/activities/agreements", {
            "org_id": personas.yancheng.pk, "enterprise_id": hunan["enterprise"].pk,
            "level": "enterprise", "title": "越权协议", "employer_party": "甲",
            "worker_party": "乙",
            "increase_pct": "3.5", "signed_on": str(today), "valid_from": str(today),
            "valid_until": str(today + datetime.timedelta(days=365)),
        })  # fmt: skip
    assert response.status_code == 422
    assert "enterprise_id" in response.json()["errors"]
    with nothing_written():
        response = client.post("/api/activities/congresses", {
            "enterprise_id": hunan["enterprise"].pk, "term_number": 2,
            "term_starts_on": str(today), "term_ends_on": str(today + datetime.timedelta(days=900)),
        })  # fmt: skip
    assert response.status_code == 422
    assert WageAgreement.objects.count() == 1 and WorkerCongress.objects.count() == 1


def test_anonymous_gets_401_on_officer_endpoints(api):
    client = api()
    for url in ["campaigns", "courses", "jobs", "contests", "craftsmen", "agreements",
                "bargaining", "congresses", "studios"]:  # fmt: skip
        response = client.get(f"/api/activities/{url}")
        assert response.status_code == 401 and "items" not in response.json(), url
    with nothing_written():
        response = client.post("/api/activities/campaigns", {})
    assert response.status_code == 401 and response.json()["detail"]


def test_public_reads_need_no_login(personas, api):
    learning_factories.session(personas.xinwuling)
    benefit_factories.job(personas.liuyang)
    client = api()
    assert client.get("/api/activities/trainings/open").json()["count"] == 1
    assert len(client.get("/api/activities/jobs/open").json()) == 1
    assert client.get("/api/activities/discounts/open").status_code == 200


# ---- bad input ------------------------------------------------------------------------------


def test_double_delivery_without_override_is_422_with_first_time_and_place(personas, api):
    campaign = campaign_factories.campaign(personas.yancheng)
    member = campaign_factories.member(personas.yancheng_project)
    client = api(personas.yancheng_officer)
    url = f"/api/activities/campaigns/{campaign.pk}/deliveries"
    payload = {"item_id": campaign.items.get().pk, "card_token": card_token_for(member),
               "site": "港航物流园"}  # fmt: skip
    assert client.post(url, payload).status_code == 201
    with nothing_written():
        response = client.post(url, payload)
    assert response.status_code == 422
    assert "港航物流园" in response.json()["errors"]["member"][0]
    assert Delivery.objects.count() == 1
    payload["override_reason"] = "首次物资损坏"
    assert client.post(url, payload).json()["is_repeat"] is True


def test_non_member_delivery_returns_an_invite_link(personas, api):
    campaign = campaign_factories.campaign(personas.yancheng)
    client = api(personas.yancheng_officer)
    response = client.post(f"/api/activities/campaigns/{campaign.pk}/deliveries", {
        "item_id": campaign.items.get().pk, "beneficiary_name": "新司机",
        "beneficiary_phone": "13712345678", "occupation_group": "truck_driver",
    })  # fmt: skip
    assert response.status_code == 201
    assert response.json()["invite_url"].startswith("/join?")


def test_score_outside_the_contest_range_is_422_and_not_written(personas, api):
    contest = contest_factories.contest(personas.yancheng, score_min=0, score_max=100)
    entry = contest_services.contest_entry_add(actor=SYSTEM, contest=contest, name="张三")
    client = api(personas.yancheng_officer)
    url = f"/api/activities/contests/{contest.pk}/scores"
    payload = {"round_id": contest.rounds.first().pk, "entry_id": entry.pk, "score": "100.5"}
    with nothing_written():
        response = client.post(url, payload)
    assert response.status_code == 422 and "score" in response.json()["errors"]
    assert not ContestScore.objects.exists()
    payload["score"] = "88"
    assert client.post(url, payload).status_code == 201


def test_editing_an_expired_posting_is_refused(personas, api):
    job = benefit_factories.job(personas.yancheng)
    JobPosting.objects.filter(pk=job.pk).update(expires_on=TODAY() - datetime.timedelta(days=1))
    with nothing_written():
        response = api(personas.yancheng_officer).patch(f"/api/activities/jobs/{job.pk}",
                                                        {"title": "新标题"})  # fmt: skip
    assert response.status_code == 422 and "expires_on" in response.json()["errors"]
    assert JobPosting.objects.get().title == "货车司机"


def test_agreement_ending_before_it_starts_is_422(personas, api):
    today = TODAY()
    with nothing_written():
        response = api(personas.yancheng_officer).post("/api/activities/agreements", {
            "org_id": personas.yancheng.pk, "level": "regional", "title": "区域协议",
            "employer_party": "甲", "worker_party": "乙", "increase_pct": "4",
            "signed_on": str(today), "valid_from": str(today),
            "valid_until": str(today - datetime.timedelta(days=1)),
        })  # fmt: skip
    assert response.status_code == 422 and "valid_until" in response.json()["errors"]
    assert not WageAgreement.objects.exists()


def test_signup_over_capacity_goes_to_the_waitlist_via_api(personas, api):
    session = learning_factories.session(personas.yancheng, capacity=1)
    client = api(personas.yancheng_officer)
    url = f"/api/activities/sessions/{session.pk}/signup"
    first = campaign_factories.member(personas.yancheng_project)
    second = campaign_factories.member(personas.yancheng_project)
    assert client.post(url, {"member_id": first.pk}).json()["status"] == "enrolled"
    response = client.post(url, {"member_id": second.pk})
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 1


def test_report_endpoint_counts_beneficiaries(personas, api):
    campaign = campaign_factories.campaign(personas.yancheng)
    for _ in range(3):
        campaign_services.delivery_record(
            actor=SYSTEM, campaign=campaign, item=campaign.items.get(),
            beneficiary=campaign_services.Beneficiary(member=campaign_factories.member(personas.yancheng_project)),
        )  # fmt: skip
    today = TODAY()
    response = api(personas.luohe_officer).get(
        "/api/activities/report", start=str(today.replace(month=1, day=1)), end=str(today)
    )
    assert response.status_code == 200
    assert response.json()["campaigns"][0]["beneficiaries"] == 3


def test_job_post_with_missing_fields_names_each_field(personas, api):
    with nothing_written():
        response = api(personas.yancheng_officer).post("/api/activities/jobs", {
            "org_id": personas.yancheng.pk, "title": "司机", "category": "logistics",
            "pay_min": 5000, "pay_max": 4000, "expires_on": str(TODAY()),
        })  # fmt: skip
    assert response.status_code == 422
    assert {"employer", "place", "contact"} <= set(response.json()["errors"])
    with nothing_written():
        response = api(personas.yancheng_officer).post("/api/activities/jobs", {
            "org_id": personas.yancheng.pk, "title": "司机", "category": "logistics",
            "employer": "物流", "place": "郾城", "contact": "电话",
            "pay_min": 5000, "pay_max": 4000, "expires_on": str(TODAY()),
        })  # fmt: skip
    assert response.status_code == 422 and "pay_max" in response.json()["errors"]
    assert not JobPosting.objects.exists()
