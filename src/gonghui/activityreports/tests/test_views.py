"""Officer pages: own subtree 200, other subtree 404, anonymous to login, workers 404; forms
write through the services; public pages open to all."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.bargaining.models import WageAgreement
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
from gonghui.learning import services as learning_services
from gonghui.learning.tests import factories as learning_factories
from gonghui.members.card import card_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hunan_objects(personas):
    campaign = campaign_factories.campaign(personas.liuyang)
    member = campaign_factories.member(personas.xinwuling)
    delivery = campaign_services.delivery_record(
        actor=SYSTEM, campaign=campaign, item=campaign.items.get(),
        beneficiary=campaign_services.Beneficiary(name="非会员", phone="13611112222"),
    )  # fmt: skip
    session = learning_factories.session(personas.xinwuling)
    return {
        "campaign": campaign,
        "member": member,
        "delivery": delivery,
        "session": session,
        "contest": contest_factories.contest(personas.liuyang),
        "job": benefit_factories.job(personas.liuyang),
    }


def hunan_urls(o):
    return [
        f"/activities/campaigns/{o['campaign'].pk}/",
        f"/activities/campaigns/{o['campaign'].pk}/scan/",
        f"/activities/deliveries/{o['delivery'].pk}/invite/",
        f"/activities/courses/{o['session'].course_id}/",
        f"/activities/sessions/{o['session'].pk}/",
        f"/activities/contests/{o['contest'].pk}/",
        f"/activities/jobs/{o['job'].pk}/edit/",
    ]


def test_hunan_pages_are_404_for_the_luohe_officer_and_200_for_hunan(
    personas, hunan_objects, client
):
    hidden = hunan_objects["campaign"].name
    client.force_login(personas.luohe_officer)
    for url in hunan_urls(hunan_objects):
        response = client.get(url)
        assert response.status_code == 404, url
        assert hidden not in response.content.decode(), url
    client.force_login(personas.hunan_officer)
    for url in hunan_urls(hunan_objects):
        response = client.get(url)
        assert response.status_code == 200 and "<h1" in response.content.decode(), url


def test_out_of_scope_page_posts_write_nothing(personas, hunan_objects, client):
    client.force_login(personas.luohe_officer)
    campaign = hunan_objects["campaign"]
    with nothing_written():
        response = client.post(f"/activities/campaigns/{campaign.pk}/", {
            "action": "nonmember", "item": campaign.items.get().pk, "beneficiary_name": "某",
            "beneficiary_phone": "13711112222", "occupation_group": "other",
        })  # fmt: skip
    assert response.status_code == 404
    with nothing_written():
        response = client.post(f"/activities/campaigns/{campaign.pk}/scan/",
                               {"token": card_token_for(hunan_objects["member"])})  # fmt: skip
    assert response.status_code == 404
    assert Delivery.objects.count() == 1


def test_anonymous_goes_to_login_and_workers_get_404(personas, client):
    for url in ["/activities/", "/activities/campaigns/", "/activities/report/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(personas.worker)
    assert client.get("/activities/campaigns/").status_code == 404


def test_officer_pages_render(personas, client):
    client.force_login(personas.luohe_officer)
    for url in ["/activities/", "/activities/campaigns/", "/activities/campaigns/new/",
                "/activities/trainings/", "/activities/jobs/", "/activities/jobs/new/",
                "/activities/discounts/new/", "/activities/contests/", "/activities/bargaining/",
                "/activities/report/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and "<h1" in response.content.decode(), url


def test_public_pages_open_to_anonymous(personas, client):
    session = learning_factories.session(personas.xinwuling)
    benefit_factories.job(personas.liuyang, latitude=28.17, longitude=113.65)
    for url in ["/trainings/", f"/trainings/{session.pk}/", "/jobs/?lat=28.1&lon=113.6",
                "/discounts/?category=food"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and "<h1" in response.content.decode(), url


def test_campaign_form_creates_campaign_with_items(personas, client):
    client.force_login(personas.luohe_officer)
    response = client.post("/activities/campaigns/new/", {
        "organizer": personas.yancheng.pk, "name": "送清凉", "kind": "summer_cooling",
        "starts_on": "2026-07-01", "ends_on": "2026-08-31", "target_groups": ["truck_driver"],
        "target_gender": "", "budget": "1000", "items_text": "防暑降温物资 240\n车载急救包 240",
    })  # fmt: skip
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.organizer == personas.yancheng
    assert sorted(campaign.items.values_list("name", "quantity")) == [
        ("车载急救包", 240), ("防暑降温物资", 240)
    ]  # fmt: skip


def test_campaign_form_refuses_an_org_outside_scope(personas, client):
    client.force_login(personas.luohe_officer)
    with nothing_written():
        response = client.post("/activities/campaigns/new/", {
            "organizer": personas.liuyang.pk, "name": "越权", "kind": "summer_cooling",
            "starts_on": "2026-07-01", "ends_on": "2026-08-31", "budget": "0",
        })  # fmt: skip
    assert response.status_code == 422
    assert not Campaign.objects.exists()


def test_non_member_delivery_leads_to_an_invite_qr(personas, client):
    campaign = campaign_factories.campaign(personas.yancheng)
    client.force_login(personas.yancheng_officer)
    response = client.post(f"/activities/campaigns/{campaign.pk}/", {
        "action": "nonmember", "item": campaign.items.get().pk, "beneficiary_name": "新司机",
        "beneficiary_phone": "13711112222", "occupation_group": "truck_driver", "site": "停车场",
    })  # fmt: skip
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    invite = client.get(f"/activities/deliveries/{delivery.pk}/invite/")
    assert invite.status_code == 200
    assert "/join?name=" in invite.content.decode()


def test_scan_page_refuses_a_second_delivery_without_reason(personas, client):
    campaign = campaign_factories.campaign(personas.yancheng)
    member = campaign_factories.member(personas.yancheng_project)
    token = card_token_for(member)
    client.force_login(personas.yancheng_officer)
    url = f"/activities/campaigns/{campaign.pk}/scan/"
    assert client.post(url, {"token": token, "site": "A点"}).status_code == 302
    with nothing_written():
        again = client.post(url, {"token": token, "site": "B点"})
    assert again.status_code == 422
    assert "A点" in again.content.decode()
    ok = client.post(url, {"token": token, "site": "B点", "override_reason": "补发"})
    assert ok.status_code == 302
    assert Delivery.objects.filter(is_repeat=True).count() == 1


def test_editing_an_expired_job_in_the_page_is_refused(personas, client):
    job = benefit_factories.job(personas.yancheng)
    JobPosting.objects.filter(pk=job.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    client.force_login(personas.yancheng_officer)
    with nothing_written():
        response = client.post(f"/activities/jobs/{job.pk}/edit/", {
            "org": personas.yancheng.pk, "title": "新岗位名", "employer": "某物流",
            "category": "logistics", "pay_min": 5000, "pay_max": 8000, "place": "郾城区",
            "contact": "电话", "expires_on": str(timezone.localdate() + datetime.timedelta(days=9)),
        })  # fmt: skip
    assert response.status_code == 422
    assert JobPosting.objects.get().title == "货车司机"


def test_report_exports_an_excel_workbook(personas, client):
    campaign = campaign_factories.campaign(personas.yancheng, name="导出测试活动")
    campaign_services.delivery_record(
        actor=SYSTEM, campaign=campaign, item=campaign.items.get(),
        beneficiary=campaign_services.Beneficiary(member=campaign_factories.member(personas.yancheng_project)),
    )  # fmt: skip
    client.force_login(personas.luohe_officer)
    today = timezone.localdate()
    response = client.get("/activities/report.xlsx",
                          {"start": f"{today.year}-01-01", "end": str(today)})  # fmt: skip
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[2][0] == "导出测试活动" and rows[2][4] == 1


def test_report_for_an_org_outside_scope_is_404(personas, client):
    client.force_login(personas.luohe_officer)
    query = {"org": personas.hunan.pk, "start": "2026-01-01", "end": "2026-12-31"}
    response = client.get("/activities/report/", query)
    assert response.status_code == 422
    assert response.context["report"] is None


def test_scan_page_hints_when_the_member_is_outside_the_target_groups(personas, client):
    campaign = campaign_factories.campaign(personas.yancheng, target_groups=["truck_driver"])
    courier = campaign_factories.member(personas.yancheng_project, occupation_group="courier")
    client.force_login(personas.yancheng_officer)
    page = client.get(f"/activities/campaigns/{campaign.pk}/scan/",
                      {"token": card_token_for(courier)})  # fmt: skip
    assert 'id="scan-off-target"' in page.content.decode()


def test_roster_signs_in_an_enrolled_member_by_card(personas, client):
    session = learning_factories.session(personas.yancheng, capacity=1)
    member = campaign_factories.member(personas.yancheng_project, name="签到人")
    learning_services.enrollment_signup(actor=SYSTEM, session=session, member=member)
    client.force_login(personas.yancheng_officer)
    url = f"/activities/sessions/{session.pk}/"
    assert client.post(url, {"token": card_token_for(member)}).status_code == 302
    assert member.enrollments.get().attended_at is not None
    with nothing_written():
        forged = client.post(url, {"token": "forged"})
    assert forged.status_code == 422 and "签到人" in forged.content.decode()


def test_contest_page_adds_entries_and_refuses_a_score_out_of_range(personas, client):

    contest = contest_factories.contest(personas.yancheng, score_min=0, score_max=10)
    client.force_login(personas.yancheng_officer)
    url = f"/activities/contests/{contest.pk}/"
    assert client.post(url, {"action": "entry", "name": "赵师傅"}).status_code == 302
    entry = contest.entries.get()
    final = contest.rounds.last()
    with nothing_written():
        bad = client.post(url, {"action": "score", "round": final.pk, "entry": entry.pk,
                                "score": "11"})  # fmt: skip
    assert bad.status_code == 422 and not ContestScore.objects.exists()
    assert "score" in bad.context["score_form"].errors
    ok = client.post(url, {"action": "score", "round": final.pk, "entry": entry.pk, "score": "9.5"})
    assert ok.status_code == 302
    assert client.get(url).context["ranking"][0].total == 9.5


def test_craftsman_steps_from_the_page_and_out_of_scope_is_404(personas, client):
    craftsman = contest_services.craftsman_nominate(
        actor=SYSTEM, org=personas.yancheng, name="周工", employer="厂", trade="钳工", year=2026
    )
    client.force_login(personas.hunan_officer)
    url = f"/activities/craftsmen/{craftsman.pk}/step/"
    with nothing_written():
        assert client.post(url, {"action": "advance"}).status_code == 404
    client.force_login(personas.yancheng_officer)
    client.post(url, {"action": "advance"})
    craftsman.refresh_from_db()
    assert craftsman.status == "review"
    with nothing_written():
        client.post(url, {"action": "advance"})  # no notice end date: refused
    craftsman.refresh_from_db()
    assert craftsman.status == "review"
    notice = str(timezone.localdate() + datetime.timedelta(days=7))
    client.post(url, {"action": "advance", "notice_ends_on": notice})
    craftsman.refresh_from_db()
    assert craftsman.status == "notice"


def test_agreement_form_refuses_an_end_before_the_start(personas, client):

    client.force_login(personas.yancheng_officer)
    today = timezone.localdate()
    data = {
        "org": personas.yancheng.pk, "level": "regional", "title": "区域协议",
        "employer_party": "甲", "worker_party": "乙", "rounds": 2, "increase_pct": "5",
        "covered_workers": 100, "signed_on": str(today), "valid_from": str(today),
        "valid_until": str(today - datetime.timedelta(days=1)),
    }  # fmt: skip
    with nothing_written():
        response = client.post("/activities/bargaining/", data)
    assert response.status_code == 422
    assert "valid_until" in response.context["form"].errors
    assert not WageAgreement.objects.exists()
    data["valid_until"] = str(today + datetime.timedelta(days=365))
    assert client.post("/activities/bargaining/", data).status_code == 302
    assert WageAgreement.objects.get().org == personas.yancheng
