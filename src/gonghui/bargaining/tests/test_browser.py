"""Browser test: an officer opens a 一函两书 procedure by sending the invitation letter, and the
page shows the employer's 20-day deadline."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.core.testing.browser import sign_in
from gonghui.enterprises.tests import factories as enterprise_factories

from ..models import BargainingProcedure

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_sends_the_invitation_letter_and_sees_the_20_day_deadline(
    live_server, phone_page, personas, persona_password
):
    firm = enterprise_factories.enterprise(personas.yancheng, union=personas.yancheng_project,
                                           name="郾城食品有限公司")  # fmt: skip
    sent = timezone.localdate()
    due = sent + datetime.timedelta(days=20)
    page = phone_page
    page.set_default_timeout(30_000)  # a shared CI machine under load serves the first page slowly
    sign_in(page, live_server.url, "yancheng_officer", persona_password)

    page.goto(f"{live_server.url}/activities/bargaining/")
    page.click("#procedure-open")
    page.fill("#id_org", personas.yancheng.name)
    page.fill("#id_enterprise", firm.name)
    page.fill("#id_sent_on", sent.isoformat())
    page.fill("#id_note", "要求就2026年度工资调整开展集体协商")
    page.click("#form-save")

    procedure = BargainingProcedure.objects.get(enterprise=firm)
    page.wait_for_url(f"{live_server.url}{procedure.get_absolute_url()}")
    expect(page.locator("#letters tr[data-kind=invitation]")).to_contain_text("协商要约函")
    expect(page.locator("#deadline")).to_have_attribute("data-due", due.isoformat())
    expect(page.locator("#deadline")).to_contain_text("20日答复期限")
    expect(page.locator("#deadline")).to_contain_text("还剩 20 天")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
