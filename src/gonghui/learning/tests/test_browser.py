"""Phone-size browser test: a worker's training sign-up lands on the waitlist and moves up when
someone cancels."""

import os

import pytest
from playwright.sync_api import expect

from gonghui.core.scoping import SYSTEM
from gonghui.joining import sms

from .. import services
from ..models import Enrollment
from . import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_signs_up_for_a_full_training_and_moves_up_when_someone_cancels(
    live_server, phone_page, personas
):
    session = factories.session(personas.xinwuling, capacity=1)
    seated = factories.member(personas.xinwuling)
    services.enrollment_signup(actor=SYSTEM, session=session, member=seated)
    worker = factories.member(personas.xinwuling, phone="13911112222")
    page = phone_page
    page.goto(f"{live_server.url}/me/login")
    page.fill("#id_phone", worker.phone)
    page.click("section.join button[type=submit]")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", sms.last_code(worker.phone))
    page.click("section.join button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")

    page.goto(f"{live_server.url}/trainings/")
    page.click(f"a[href='/trainings/{session.pk}/']")
    expect(page.locator("#signup")).to_contain_text("候补")
    page.click("#signup")
    expect(page.locator("#my-status")).to_have_attribute("data-status", "waitlisted")
    expect(page.locator("#my-status")).to_contain_text("1")

    seat = Enrollment.objects.get(member=seated)
    services.enrollment_cancel(actor=SYSTEM, enrollment=seat)
    page.reload()
    expect(page.locator("#my-status")).to_have_attribute("data-status", "enrolled")
