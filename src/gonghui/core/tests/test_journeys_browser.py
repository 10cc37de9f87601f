"""Issue 11 "must show", in a real 375 x 812 phone browser with the server's clock pinned to
01:18 Beijing time (time_machine patches the clock process-wide, so the live server thread runs
at 01:18 too): a worker signs in through ``/me/login?next=...`` and lands there, with
我的会员卡 and their masked name in the header; three officer pages that used to scroll
sideways fit the screen; the org picker searches as the officer types."""

from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import quote

import pytest
import time_machine

from gonghui.campaigns import services as campaigns
from gonghui.campaigns.choices import CampaignKind
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.personas import org
from gonghui.joining import sms
from gonghui.learning import services as learning
from gonghui.learning.choices import TrainingKind
from gonghui.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIGHT = datetime.datetime(2026, 11, 30, 1, 18, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
PHONE = "13800138000"


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_worker_signs_in_via_next_and_sees_my_card_and_a_masked_name(
    personas, live_server, phone_page
):
    make_member(personas.xinwuling, name="张小明", phone=PHONE)
    page = phone_page
    with time_machine.travel(NIGHT, tick=True):
        page.goto(f"{live_server.url}/me/login?next={quote('/trainings/')}")
        assert page.locator("#id_phone").get_attribute("inputmode") == "numeric"
        page.fill("#id_phone", PHONE)
        page.click("main button[type=submit]")
        page.wait_for_selector("#id_code")
        page.fill("#id_code", sms.last_code(PHONE))
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/trainings/")
        page.screenshot(path="/tmp/officerui-worker-0118.png", full_page=True)

        header = page.locator("header.topbar")
        assert header.get_by_role("link", name="我的会员卡").is_visible()
        assert header.get_by_role("link", name="一键入会").count() == 0
        assert page.locator("[data-account-label]").inner_text() == "张**"
        assert PHONE not in page.content()
        assert page_width(page) <= 375

        header.get_by_role("link", name="我的会员卡").click()
        page.wait_for_url(f"{live_server.url}/me/")
        assert page.locator("[data-status]").inner_text() == "正常"
        assert page_width(page) <= 375


def test_three_officer_pages_fit_a_375_px_phone(
    personas, live_server, phone_page, persona_password
):
    member = make_member(personas.yancheng_project, name="郾城会员")
    # A long union name: a <select> of the whole tree used to widen the member page past 375 px.
    org(personas.yancheng, "漯河市郾城区港航物流园区货车司机快递员网约配送员联合工会委员会",
        "grassroots", "411103", "joint")  # fmt: skip
    course = learning.course_create(
        actor=SYSTEM, org=personas.luohe, kind=TrainingKind.NIGHT_SCHOOL,
        title="劳动者夜校：货车司机安全驾驶与应急救护（第二期）", description="免费",
    )  # fmt: skip
    starts = datetime.datetime(2026, 12, 5, 19, 0, tzinfo=NIGHT.tzinfo)
    learning.session_create(
        actor=SYSTEM, course=course, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        place="漯河市郾城区港航物流园区职工之家二楼多功能教室", capacity=40,
    )  # fmt: skip
    campaign = campaigns.campaign_create(
        actor=SYSTEM, organizer=personas.luohe, name="2026年漯河市“送温暖”·货车司机暖心礼包",
        kind=CampaignKind.WINTER_WARMTH, starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2026, 12, 31), budget=10000,
        items=[{"name": "暖心礼包", "quantity": 20}],
    )  # fmt: skip
    delivery = campaigns.delivery_record(
        actor=SYSTEM, campaign=campaign, item=campaign.items.get(),
        beneficiary=campaigns.Beneficiary(name="路过的货车司机", phone="13912345678",
                                          occupation_group="truck_driver"),
    )  # fmt: skip

    page = phone_page
    with time_machine.travel(NIGHT, tick=True):
        page.goto(f"{live_server.url}/accounts/login/?next=/members/{member.pk}/")
        page.fill("#id_username", "luohe_officer")
        page.fill("#id_password", persona_password)
        page.click("#login-submit")
        page.wait_for_url(f"{live_server.url}/members/{member.pk}/")
        widths = {}
        for url in (
            f"/members/{member.pk}/",
            "/activities/trainings/",
            f"/activities/deliveries/{delivery.pk}/invite/",
        ):
            page.goto(live_server.url + url)
            widths[url] = page_width(page)
        assert all(width <= 375 for width in widths.values()), widths

        # The transfer picker on the member page searches as the officer types.
        page.goto(f"{live_server.url}/members/{member.pk}/")
        page.locator("#id_to_union").press_sequentially("新屋岭")
        page.locator("#id_to_union-results button").first.wait_for()
        page.locator("#id_to_union-results button").first.click()
        assert page.input_value("#id_to_union") == f"新屋岭社区工会联合会 #{personas.xinwuling.pk}"
        assert page_width(page) <= 375
        page.wait_for_load_state("networkidle")  # the last search request has answered
