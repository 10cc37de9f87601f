"""On a phone (375 px): a worker whose online join waits for a two-level review sees where it
stands, then completes their own real-name profile."""

import pytest

from gonghui.accounts.services import user_create
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.personas import PASSWORD, build_personas
from gonghui.joining import sms
from gonghui.members import review, services
from gonghui.members.choices import JoinChannel, JoinReview
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, phone

from .test_browser import page  # noqa: F401 (the phone-sized chromium page fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_sees_review_step_and_completes_profile_on_phone(page, live_server):  # noqa: F811
    personas = build_personas()
    review.join_policy_update(actor=SYSTEM, union=personas.xinwuling, review=JoinReview.TWO_LEVEL)
    mobile = phone()
    member = services.member_join(
        actor=None, union=personas.xinwuling, channel=JoinChannel.ONLINE, name="两级审核职工",
        id_card=id_card(), phone=mobile,
    ).member  # fmt: skip
    officer = user_create(
        actor=SYSTEM, username="xwl_officer", password=PASSWORD, role="grassroots_officer",
        organization=personas.xinwuling,
    )  # fmt: skip
    review.member_review_approve(actor=officer, member=member)

    page.goto(f"{live_server.url}/me/login")
    page.fill("#id_phone", mobile)
    page.click("form:has(#id_phone) button[type=submit]")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", sms.last_code(mobile))
    page.click("form:has(#id_phone) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")
    stage = page.locator("#application-stage")
    assert stage.get_attribute("data-stage") == "2" and "浏阳市总工会" in stage.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.click('a[href="/me/profile"]')
    page.select_option("#id_education", "college")
    page.fill("#id_job_title", "快递分拣员")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("form:has(#id_education) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")
    member = Member.objects.get(pk=member.pk)
    assert (member.education, member.job_title) == ("college", "快递分拣员")
