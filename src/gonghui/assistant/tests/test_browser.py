import pytest

from gonghui.assistant import indexcache
from gonghui.assistant.tests.conftest import WAGE_RULES, text_file
from gonghui.cases import defaults
from gonghui.cases.models import CaseType, Holiday
from gonghui.core.testing.personas import build_personas
from gonghui.joining import sms
from gonghui.members.tests.factories import make_member

PHONE = "13800138000"


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_asks_about_wage_arrears_reads_the_article_and_opens_the_appeal(
    phone_page, live_server
):
    from gonghui.assistant import services

    defaults.seed(CaseType, Holiday)
    personas = build_personas()
    make_member(personas.yancheng_project, name="郾城职工", phone=PHONE)
    indexcache.reset()
    services.document_upload(
        actor=personas.superuser, org=personas.national, upload=text_file(WAGE_RULES)
    )  # committed: the immediate task backend indexes it

    page = phone_page
    page.goto(f"{live_server.url}/me/login")
    page.fill("#id_phone", PHONE)
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", sms.last_code(PHONE))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")

    page.goto(f"{live_server.url}/ask")
    assert fits_the_phone(page)
    page.fill("#id_q", "老板拖欠工资两个月怎么办")
    page.click("#ask-submit")
    page.wait_for_selector("#citations")
    first = page.locator("#citations li", has_text="第三条")
    assert "劳动保障监察机构投诉" in first.locator(".passage").inner_text()
    assert fits_the_phone(page)

    first.locator(".cite-link").click()
    page.wait_for_selector("#p3")
    assert page.url.endswith("#p3")
    assert "劳动保障监察机构投诉" in page.locator("#p3").inner_text()
    page.go_back()

    page.wait_for_selector("#appeal-link")
    page.click("#appeal-link")
    page.wait_for_selector("#case-form")
    assert "type=wage_arrears" in page.url
    assert page.input_value("#id_description") == "老板拖欠工资两个月怎么办"
    assert fits_the_phone(page)
