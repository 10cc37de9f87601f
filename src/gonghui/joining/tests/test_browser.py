import os

import pytest

from gonghui.core.testing.personas import build_personas
from gonghui.joining import sms
from gonghui.members.card import qr_svg_data_uri
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, phone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_joins_on_phone_and_card_qr_verifies(page, live_server):
    personas = build_personas()
    number, mobile = id_card("411103"), phone()
    page.goto(f"{live_server.url}/join")
    page.fill("#id_name", "手机入会测试")
    page.fill("#id_id_card", number)
    page.fill("#id_phone", mobile)
    page.select_option("#id_occupation_group", "carer")
    page.fill("#id_work_place", "郾城区康养产业园")
    page.click("#join-next")
    page.wait_for_selector("#join-confirm")
    assert personas.yancheng_project.name in page.content()
    # Nothing scrolls sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.fill("#id_code", sms.last_code(mobile))
    page.click("#join-confirm")
    page.wait_for_url(f"{live_server.url}/me/")
    card = page.locator("[data-card-token]")
    token = card.get_attribute("data-card-token")
    member = Member.objects.get()
    assert page.locator("[data-member-number]").inner_text() == member.member_number

    qr = page.locator("img[data-qr]")
    assert page.evaluate("img => img.naturalWidth > 0", qr.element_handle())
    verify_url = qr.get_attribute("data-verify-url")
    # The QR encodes exactly the verify URL carrying the token.
    assert qr.get_attribute("src") == qr_svg_data_uri(verify_url)
    assert verify_url.endswith(f"/verify/{token}")

    page.goto(verify_url)
    assert page.locator("[data-result]").get_attribute("data-result") == "valid"
    api = page.request.get(f"{live_server.url}/api/cards/verify?token={token}")
    assert api.json()["result"] == "valid"
    assert number not in page.content()
