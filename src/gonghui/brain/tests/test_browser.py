import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.accounts.services import user_create
from gonghui.brain import annual, rollups
from gonghui.brain.models import AnnualReport, ReportStatus
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.browser import sign_in
from gonghui.members.tests.factories import make_member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def canvas_drawn(page, selector) -> bool:
    """Some pixel of the chart's canvas is not transparent."""
    return page.evaluate(
        """(sel) => {
            const canvas = document.querySelector(sel + ' canvas');
            if (!canvas) return false;
            const ctx = canvas.getContext('2d');
            const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
            return false;
        }""",
        selector,
    )


def test_province_officer_sees_charts_drills_down_and_exports(
    live_server, chromium, personas, persona_password
):
    user_create(actor=SYSTEM, username="henan", password=persona_password,
                role="province_officer", organization=personas.henan)  # fmt: skip
    for _n in range(3):
        make_member(personas.yancheng_project, occupation_group="courier")
    rollups.fold()
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                   accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server.url, "henan", persona_password)
    page.goto(f"{live_server.url}/brain/")
    expect(page.locator("h1")).to_contain_text("河南省总工会")
    expect(page.locator("#fig-active")).to_have_text("3")
    for chart in ("#chart-trend", "#chart-groups", "#chart-children", "#chart-map"):
        page.wait_for_selector(f"{chart} canvas")
        assert canvas_drawn(page, chart), chart
    expect(page.locator("#fig-circle-share")).to_be_visible()  # loaded after the page by htmx
    page.click("#children >> text=漯河市总工会")
    page.click("#children >> text=郾城区总工会")
    expect(page.locator("h1")).to_contain_text("郾城区总工会")
    expect(page.locator(".crumbs")).to_contain_text("河南省总工会")
    expect(page.locator(".crumbs")).not_to_contain_text("全国")
    expect(page.locator("#fig-active")).to_have_text("3")
    with page.expect_download() as info:
        page.click("#export-all")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"
    context.close()


def test_grassroots_union_submits_its_report_and_the_county_returns_it(
    live_server, chromium, personas, persona_password
):
    user_create(actor=SYSTEM, username="project", password=persona_password,
                role="grassroots_officer", organization=personas.yancheng_project)  # fmt: skip
    user_create(actor=SYSTEM, username="county", password=persona_password,
                role="county_officer", organization=personas.yancheng)  # fmt: skip
    make_member(personas.yancheng_project)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server.url, "project", persona_password)
    page.goto(f"{live_server.url}/brain/reports/")
    page.click("#draft-report")
    expect(page.locator("#report-cover")).to_contain_text("康养产业园智慧养老项目工会")
    expect(page.locator("#report-period")).to_contain_text("-10-01")
    for row in annual.TYPED_ROWS:
        page.fill(f"#f-{row.key}", "1")
    page.click("#submit-report")
    expect(page.locator("#report-status")).to_have_text("已上报")
    report = AnnualReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    assert report.year == timezone.localdate().year

    county = context.browser.new_context(locale="zh-CN").new_page()
    county.set_default_timeout(30_000)
    sign_in(county, live_server, "county", persona_password)
    county.goto(f"{live_server.url}/brain/reports/")
    county.click("#reports >> text=康养产业园智慧养老项目工会")
    county.fill("#reason", "会费收入与账目不符")
    county.click("#return-report")
    expect(county.locator("#report-status")).to_have_text("已退回")
    expect(county.locator("#return-reason")).to_have_text("会费收入与账目不符")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.return_reason == "会费收入与账目不符"
    context.close()
