"""An officer founds a union from the enterprise page to 成立, in Debian's chromium."""

import os

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import sign_in
from gonghui.enterprises.tests.factories import enterprise
from gonghui.founding.choices import STEP_ORDER

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_officer_takes_an_enterprise_from_application_to_a_union_in_the_tree(
    live_server, phone_page, personas, persona_password
):
    firm = enterprise(personas.yancheng, name="郾城示范食品厂")
    page = phone_page
    sign_in(page, live_server.url, "yancheng_officer", persona_password)

    page.goto(f"{live_server.url}/enterprises/{firm.pk}/")
    page.fill("#founding-open-form input[name=union_name]", "郾城示范食品厂工会")
    page.click("#founding-open-form button[type=submit]")
    for step in STEP_ORDER:
        current = page.locator(f'li.step[data-step="{step}"]')
        expect(current.locator(".sign-off-form")).to_be_visible()
        current.locator(".upload-form input[type=file]").set_input_files(
            {"name": "材料.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        current.locator(".upload-form button[type=submit]").click()
        expect(page.locator(f'li.step[data-step="{step}"]')).to_contain_text("材料.pdf")
        page.locator(f'li.step[data-step="{step}"] .sign-off-form button').click()
    expect(page.locator("#case-status")).to_have_text("已成立")

    page.goto(f"{live_server.url}/orgs/{personas.yancheng.pk}/")
    expect(page.locator("ul.tree").first).to_contain_text("郾城示范食品厂工会")
