"""Phone-size browser test: scan-to-deliver at a 送清凉 point, a second scan refused."""

import os

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import sign_in
from gonghui.members.card import card_token_for

from ..models import Delivery
from . import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_scans_a_card_at_a_cooling_delivery_and_a_second_scan_is_refused(
    live_server, phone_page, personas, persona_password
):
    campaign = factories.campaign(personas.yancheng, name="2026送清凉·货车司机",
                                  items=("防暑降温物资",))  # fmt: skip
    member = factories.member(personas.yancheng_project, name="王师傅",
                              occupation_group="truck_driver")  # fmt: skip
    token = card_token_for(member)
    page = phone_page
    sign_in(page, live_server.url, "yancheng_officer", persona_password)

    page.goto(f"{live_server.url}/activities/campaigns/{campaign.pk}/scan/")
    page.fill("#scan-site", "港航物流园停车场")
    page.fill("#scan-token", token)
    page.click("#scan-lookup")
    expect(page.locator("#scan-member")).to_have_text("王师傅")
    expect(page.locator("#scan-warning")).to_have_count(0)
    page.click("#scan-record")
    expect(page.locator(".messages")).to_contain_text("王师傅")
    assert Delivery.objects.filter(member=member).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The same card again: the first delivery's time and place, and no second record.
    page.fill("#scan-token", token)
    page.click("#scan-lookup")
    expect(page.locator("#scan-warning")).to_contain_text("港航物流园停车场")
    first = Delivery.objects.get(member=member)
    expect(page.locator("#scan-warning")).to_contain_text(
        first.delivered_at.astimezone().strftime("%Y-%m-%d")
    )
    page.click("#scan-record")
    expect(page.locator("#scan-errors")).to_contain_text("港航物流园停车场")
    assert Delivery.objects.filter(member=member).count() == 1
