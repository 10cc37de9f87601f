"""Keyboard and screen-reader paths in a real browser: the skip link is the first stop and moves
focus to the content; a form error is announced with its field (aria-describedby, aria-invalid)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_page(chromium):
    """A desktop page with a keyboard (the phone context has no Tab key to speak of)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(live_server, desk_page):
    page = desk_page
    page.goto(f"{live_server.url}/")  # (the sign-in page puts focus in its first field)
    skip = page.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()  # out of sight until focused
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_a_form_error_is_the_fields_accessible_description(
    live_server, phone_page, personas, persona_password
):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/?next=/audit/")
    page.fill("#id_username", "luohe_officer")
    page.fill("#id_password", persona_password)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("审计日志")
    page.goto(f"{live_server.url}/audit/?start=2026-13-45")
    start = page.locator("#id_start")
    expect(start).to_have_attribute("aria-invalid", "true")
    expect(start).to_have_accessible_description("输入一个有效的日期。")
    expect(page.locator("#id_actor")).not_to_have_attribute("aria-invalid", "true")
