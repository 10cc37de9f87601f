"""A worker on a Simplified Chinese phone picks English, then 繁體中文, from the language menu:
the menu names each language in itself and the map's facilities follow the choice."""

import pytest
from playwright.sync_api import expect

from gonghui.stations.services import facilities_seed
from gonghui.stations.tests.factories import make_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_language_menu_switches_the_map_to_english_and_traditional(
    live_server, phone_page, personas
):
    # Transactional tests flush the tables, including the migration-seeded facilities.
    facilities_seed()
    make_station(personas.yancheng, name="郾城暖心驿站", facilities=["water", "wifi"])
    page = phone_page
    page.goto(f"{live_server.url}/map")
    menu = page.locator("#language-select option")
    expect(menu).to_have_text(["简体中文", "繁體中文", "English"])
    expect(page.locator(".station-item .facilities")).to_contain_text("饮水")

    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(menu).to_have_text(["简体中文", "繁體中文", "English"])
    expect(page.locator(".station-item .facilities")).to_contain_text("Drinking water")
    expect(page.locator(".station-item .facilities")).to_contain_text("Wi-Fi")
    expect(page.get_by_label("Drinking water")).to_be_visible()
    expect(page.locator(".station-item")).to_contain_text("郾城暖心驿站")  # a name stays a name

    page.select_option("#language-select", "zh-hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator(".station-item .facilities")).to_contain_text("無線網絡")
