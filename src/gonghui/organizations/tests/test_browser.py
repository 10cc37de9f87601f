"""The officer's first minutes, in Debian's chromium at phone size, over real HTTP."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_opens_tree_searches_in_traditional_and_switches_language(
    live_server, phone_page, personas, persona_password
):
    page = phone_page
    sign_in(page, live_server.url, "hunan_officer", persona_password)

    page.goto(f"{live_server.url}/orgs/")
    root = page.locator(f'#org-tree > li[data-org-id="{personas.hunan.pk}"]')
    expect(root).to_contain_text("湖南省总工会")
    root.locator("> .toggle").click()
    expect(root.locator("> ul.children")).to_contain_text("长沙市总工会")

    page.fill("#org-search", "瀏陽")
    expect(page.locator("#search-results")).to_contain_text("浏阳市总工会")
    expect(page.locator("#search-results")).not_to_contain_text("长沙市总工会")

    # The page fits a 375 px phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.select_option("#language-select", "en")
    expect(page.locator("h1")).to_have_text("Organization structure")
    page.select_option("#language-select", "zh-hant")
    expect(page.locator("h1")).to_have_text(re.compile("組織架構"))


def test_officer_does_not_see_another_province_in_the_tree(
    live_server, phone_page, personas, persona_password
):
    page = phone_page
    sign_in(page, live_server.url, "luohe_officer", persona_password)
    page.goto(f"{live_server.url}/orgs/?q=浏阳")
    expect(page.locator("#search-results")).to_contain_text("0")
    response = page.goto(f"{live_server.url}/orgs/{personas.liuyang.pk}/")
    assert response.status == 404
