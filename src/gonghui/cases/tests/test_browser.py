import os

import pytest

from gonghui.cases import defaults
from gonghui.cases.models import Case, CaseType, Holiday
from gonghui.core.testing.browser import sign_in
from gonghui.core.testing.personas import PASSWORD, build_personas
from gonghui.joining import sms
from gonghui.members.tests.factories import make_member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = "13800138000"


def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    # Generous: the CI machine may be shared; a slow answer is not a wrong one.
    page.set_default_timeout(45_000)
    return page


def sign_in_worker(page, base, phone, next_url=""):
    page.goto(f"{base}/me/login{next_url}")
    page.fill("#id_phone", phone)
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", sms.last_code(phone))
    page.click("main button[type=submit]")


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_submits_wage_arrears_officer_replies_worker_sees_it_and_rates(browser, live_server):
    defaults.seed(CaseType, Holiday)
    personas = build_personas()
    make_member(personas.yancheng_project, name="郾城职工", phone=PHONE)

    worker = phone_page(browser)
    sign_in_worker(worker, live_server.url, PHONE)
    worker.wait_for_url(f"{live_server.url}/me/")

    worker.goto(f"{live_server.url}/cases/new")
    assert fits_the_phone(worker)
    worker.click("[data-type=wage_arrears]")
    worker.fill("#id_title", "三个月工资未发")
    worker.fill("#id_description", "康养项目工地拖欠三个月工资")
    worker.fill("#id_employer", "某建筑劳务公司")
    worker.fill("#id_amount_owed", "18000")
    assert fits_the_phone(worker)
    worker.click("#case-submit")
    worker.wait_for_selector("#timeline")
    case = Case.objects.get()
    assert worker.url.endswith(f"/cases/{case.pk}/")
    assert case.handling_union == personas.yancheng_project
    assert fits_the_phone(worker)

    officer = phone_page(browser)
    sign_in(officer, live_server.url, "yancheng_officer", PASSWORD, "/cases/")
    officer.wait_for_selector("#queue")
    officer.click(f"[data-case='{case.pk}'] a")
    officer.click("#move-accepted")
    officer.wait_for_selector("[data-status=accepted]")
    officer.fill("#reply-body", "已受理，明天约谈劳务公司负责人")
    officer.click("#send-reply")
    officer.wait_for_selector("text=已受理，明天约谈劳务公司负责人")
    officer.fill("#reply-body", "该公司有拖欠前科")
    officer.click("#send-note")
    officer.wait_for_selector("text=该公司有拖欠前科")

    worker.reload()
    assert worker.locator("#timeline").get_by_text("已受理，明天约谈劳务公司负责人").is_visible()
    assert "该公司有拖欠前科" not in worker.content()
    assert worker.locator("#case-status").get_attribute("data-status") == "accepted"

    officer.click("#move-resolved")
    officer.wait_for_selector("[data-status=resolved]")

    worker.reload()
    worker.check("#rating-5")
    worker.fill("#comment", "工资已追回，谢谢工会")
    worker.click("#close-case")
    worker.wait_for_selector("[data-status=closed]")
    case.refresh_from_db()
    assert (case.status, case.rating) == ("closed", 5)
    assert fits_the_phone(worker)
