"""Issue 11 "must show": a 外卖送餐员 in 郾城区 joins from a 375x812 phone at 01:18 Beijing time
and is offered a 郾城区 / 漯河 union, never a Hunan one. The clock is pinned with time_machine
(process-wide, so the live server thread runs at 01:18 too)."""

import datetime as dt
import os
import zoneinfo

import pytest
import time_machine

from gonghui.joining import sms
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, phone
from gonghui.organizations.models import Organization

from .test_proposals import load_demo_tree

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIGHT = dt.datetime(2026, 11, 30, 1, 18, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo_tree(live_server):
    load_demo_tree()


def test_yancheng_rider_at_1_18_is_offered_a_yancheng_union_and_joins(
    demo_tree, phone_page, live_server
):
    page = phone_page
    number, mobile = id_card("411103"), phone()
    luohe = Organization.objects.get(name="漯河市总工会")
    hunan = Organization.objects.get(name="湖南省总工会")
    with time_machine.travel(NIGHT, tick=True):
        page.goto(f"{live_server.url}/join")
        page.fill("#id_name", "夜班骑手")
        page.fill("#id_id_card", number)
        page.fill("#id_phone", mobile)
        page.select_option("#id_occupation_group", "food_delivery")
        page.fill("#id_work_place", "郾城区城关镇")
        page.click("#join-next")
        page.wait_for_selector("#join-confirm")
        page.screenshot(path="/tmp/join-yancheng-0118.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

        offered = page.locator("[data-proposal]")
        ids = [int(i) for i in offered.evaluate_all("els => els.map(e => e.dataset.proposal)")]
        unions = Organization.objects.in_bulk(ids)
        assert ids and all(unions[i].path.startswith(luohe.path) for i in ids)
        assert not any(unions[i].path.startswith(hunan.path) for i in ids)
        assert "新屋岭" not in page.content()
        checked = page.locator("input[name=union_id]:checked")
        chosen = Organization.objects.get(pk=int(checked.get_attribute("value")))
        assert chosen.name == "郾城区城关镇工会"
        label = page.locator(f"[data-proposal='{chosen.pk}'] .help").inner_text()
        assert label == "您所在地的区域工会（不经过单位）"

        page.fill("#id_code", sms.last_code(mobile))
        page.click("#join-confirm")
        page.wait_for_url(f"{live_server.url}/me/")
        member = Member.objects.get()
        assert member.union == chosen and member.status == "active"
        # Joined at 01:18 on 30 November in Beijing (still the 29th in UTC).
        assert member.joined_on == dt.date(2026, 11, 30)
        assert page.locator("[data-member-number]").inner_text() == member.member_number
        assert number not in page.content()
