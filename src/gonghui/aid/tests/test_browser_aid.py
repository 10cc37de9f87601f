"""On a phone (375x812): a worker applies for hardship aid, the grassroots union approves, the
county approves and pays, and the worker sees the payment; a worker who is not a member files
a wage-arrears appeal and is offered to join."""

import pytest

from gonghui.accounts.services import user_create
from gonghui.aid import services
from gonghui.aid.models import HardshipApplication
from gonghui.cases import defaults
from gonghui.cases.models import Case, CaseType, Holiday
from gonghui.cases.tests.test_browser import (
    PHONE,
    fits_the_phone,
    phone_page,
    sign_in_worker,
)
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.browser import sign_in
from gonghui.core.testing.personas import PASSWORD, build_personas
from gonghui.members.tests.factories import make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_applies_grassroots_and_county_approve_county_pays_worker_sees_it(
    browser, live_server
):
    defaults.seed(CaseType, Holiday)
    personas = build_personas()
    make_member(personas.yancheng_project, name="郾城职工", phone=PHONE)
    services.hardship_threshold_set(actor=SYSTEM, union=personas.yancheng, amount="1000")
    user_create(actor=SYSTEM, username="project_officer", password=PASSWORD,
                role="grassroots_officer", organization=personas.yancheng_project)  # fmt: skip
    base = live_server.url

    worker = phone_page(browser)
    sign_in_worker(worker, base, PHONE)
    worker.wait_for_url(f"{base}/me/")
    worker.goto(f"{base}/cases/hardship/new")
    assert fits_the_phone(worker)
    worker.fill("#id_reason", "丈夫重病住院，孩子上学")
    worker.fill("#id_requested_amount", "3000")
    worker.fill("#id_household_0_name", "郾城职工")
    worker.fill("#id_household_0_relation", "本人")
    worker.fill("#id_household_0_income", "1500")
    worker.fill("#id_household_1_name", "张小")
    worker.fill("#id_household_1_relation", "子女")
    worker.fill("#id_household_1_income", "0")
    worker.click("#hardship-submit")
    worker.wait_for_selector("[data-status=submitted]")
    assert fits_the_phone(worker)
    application = HardshipApplication.objects.get()

    grassroots = phone_page(browser)
    sign_in(grassroots, base, "project_officer", PASSWORD, "/cases/hardship/")
    grassroots.click(f"a[href='/cases/hardship/{application.pk}/']")
    grassroots.fill("#note", "情况属实")
    grassroots.click("#approve")
    grassroots.wait_for_selector("#aid-status[data-status=grassroots_approved]")

    county = phone_page(browser)
    sign_in(county, base, "yancheng_officer", PASSWORD, f"/cases/hardship/{application.pk}/")
    county.fill("#approved_amount", "2000")
    county.click("#approve")
    county.wait_for_selector("#aid-status[data-status=approved]")
    county.fill("#id_amount", "2000")
    county.fill("#id_paid_on", "2026-11-20")
    county.select_option("#id_method", "bank")
    county.click("#disburse")
    county.wait_for_selector("text=2000.00")

    worker.goto(f"{base}/cases/hardship/mine")
    worker.wait_for_selector("[data-status=approved]")
    payment = worker.locator(".payments li").first.inner_text()
    assert "2000.00" in payment and "银行转账" in payment
    assert fits_the_phone(worker)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_non_member_files_a_wage_arrears_appeal_and_is_offered_to_join(browser, live_server):
    defaults.seed(CaseType, Holiday)
    personas = build_personas()
    base, phone = live_server.url, "13912345678"

    worker = phone_page(browser)
    sign_in_worker(worker, base, phone, "?next=/cases/new%3Ftype%3Dwage_arrears")
    worker.wait_for_selector("#id_applicant_name")
    assert worker.locator("#non-member-note").is_visible()
    worker.fill("#id_applicant_name", "李师傅")
    worker.fill("#id_work_place", "新屋岭")
    worker.fill("#id_description", "工地拖欠两个月工资")
    worker.fill("#id_employer", "某劳务公司")
    worker.fill("#id_amount_owed", "12000")
    assert fits_the_phone(worker)
    worker.click("#case-submit")
    worker.wait_for_selector("#join-offer")
    case = Case.objects.get()
    assert (case.member, case.handling_union) == (None, personas.xinwuling)
    assert fits_the_phone(worker)
    worker.click("#join-link")
    worker.wait_for_selector("#id_name")
    assert worker.input_value("#id_name") == "李师傅" or "name=" in worker.url
