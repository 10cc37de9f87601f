import datetime
import os

import pytest
from playwright.sync_api import expect

from gonghui.accounts.choices import GrantRole
from gonghui.accounts.services import role_grant_add, user_create
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.browser import sign_in
from gonghui.core.testing.personas import org
from gonghui.governance import services

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changsha_creates_an_account_and_the_officer_sets_a_password_by_the_link(
    live_server, chromium, personas, persona_password
):
    changsha = user_create(actor=SYSTEM, username="changsha", password=persona_password,
                           role="city_officer", organization=personas.changsha)  # fmt: skip
    role_grant_add(actor=SYSTEM, user=changsha, organization=personas.changsha,
                   role=GrantRole.ACCOUNT_MANAGER)  # fmt: skip
    grassroots = org(personas.xinwuling, "新屋岭某公司工会", "grassroots", "430181", "single")
    context = chromium.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(45_000)
    sign_in(page, live_server.url, "changsha", persona_password)
    page.goto(f"{live_server.url}/accounts/manage/")
    page.click("#new-account")
    page.fill("#id_username", "xw_officer")
    page.fill("#id_display_name", "王新")
    page.fill("#id_organization", f"#{grassroots.pk}")
    page.select_option("#id_role", "officer")
    page.click("#account-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("王新")
    page.click("#issue-link")
    link = page.locator("#set-password-link").inner_text().strip()
    assert link.startswith(live_server.url)

    stranger = chromium.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    officer = stranger.new_page()
    officer.set_default_timeout(45_000)
    officer.goto(link)
    officer.fill("#id_password", "Xinwuling-2026-ok")
    officer.fill("#id_password_again", "Xinwuling-2026-ok")
    officer.click("#set-password-form button[type=submit]")
    sign_in(officer, live_server, "xw_officer", "Xinwuling-2026-ok")
    expect(officer.locator(".who")).to_contain_text("新屋岭某公司工会")
    officer.goto(link)
    expect(officer.locator("#link-invalid")).to_be_visible()
    stranger.close()
    context.close()


def test_a_committee_with_an_expired_term_shows_as_overdue(
    live_server, chromium, personas, persona_password
):
    today = datetime.date.today()
    services.committee_elect(
        actor=SYSTEM, org=personas.liuyang, starts_on=today.replace(year=today.year - 6),
        held_on=today.replace(year=today.year - 6), delegates=100, attended=90, votes_cast=90,
    )  # fmt: skip
    context = chromium.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(45_000)
    sign_in(page, live_server.url, "hunan_officer", persona_password)
    page.goto(f"{live_server.url}/governance/")
    overdue = page.locator("#overdue")
    expect(overdue).to_contain_text("浏阳市总工会")
    overdue.locator("a", has_text="浏阳市总工会").click()
    expect(page.locator("#term-state")).to_contain_text("换届逾期")
    context.close()
