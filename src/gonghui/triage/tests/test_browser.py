"""Browser test at phone size: the county officer opens the group-arrears alert raised by five
appeals naming one employer and merges them into one group case."""

import os

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import sign_in
from gonghui.triage import services
from gonghui.triage.models import Alert, AlertStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_opens_the_alert_and_merges_the_appeals(
    live_server, phone_page, personas, persona_password, submit
):
    for name in [
        "宏达建筑劳务有限公司",
        "宏达建筑劳务公司",
        "宏達建築勞務",
        "宏达建筑劳务（郾城项目部）",
        "宏达建筑劳务",
    ]:
        services.on_case_created(submit("包工头拖欠工资两个月", employer=name))
    alert = Alert.objects.get()
    page = phone_page
    sign_in(page, live_server.url, "yancheng_officer", persona_password)

    page.goto(f"{live_server.url}/triage/alerts/")
    page.click(f"#alerts tr[data-alert='{alert.pk}'] a")
    expect(page.locator("#alert-cases tbody tr")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("#merge")
    expect(page.locator("#alert-status")).to_have_attribute("data-status", "merged")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.MERGED and alert.lead_case is not None
