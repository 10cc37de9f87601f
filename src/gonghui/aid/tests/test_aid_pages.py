"""The hardship-aid and mutual-aid pages: each renders, writes through the same service as the
API, shows a bad input as a field error next to its input and writes nothing, and answers 404
outside the officer's scope."""

import datetime
from decimal import Decimal

import pytest

from gonghui.accounts.services import user_create
from gonghui.aid import services
from gonghui.aid.models import (
    HardshipApplication,
    HardshipDisbursement,
    HardshipThreshold,
    MutualAidEnrolment,
)
from gonghui.cases.tests.test_views import assert_clean_html, signed_in
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "household_0_name": "郾城职工", "household_0_relation": "本人", "household_0_income": "1500",
    "household_1_name": "张小", "household_1_relation": "子女", "household_1_income": "0",
}  # fmt: skip


@pytest.fixture
def line(personas):
    return services.hardship_threshold_set(actor=SYSTEM, union=personas.yancheng, amount="1000")


def apply_form(**extra):
    return {"period": "2026", "reason": "丈夫重病，孩子上学", "requested_amount": "3000",
            **HOUSEHOLD, **extra}  # fmt: skip


def test_worker_applies_on_the_phone_and_sees_where_it_stands(personas, yancheng_member, line):
    client = signed_in(personas.worker)
    page = client.get("/cases/hardship/new")
    assert page.status_code == 200 and 'id="id_household_0_name"' in page.content.decode()
    assert 'id="id_member_number"' not in page.content.decode()
    assert_clean_html(page)
    response = client.post("/cases/hardship/new", apply_form())
    assert response.status_code == 302 and response["Location"] == "/cases/hardship/mine"
    application = HardshipApplication.objects.get()
    assert (application.member, application.household_size) == (yancheng_member, 2)
    assert application.means_ok and application.threshold == Decimal("1000.00")
    assert AuditLog.objects.filter(
        object_id=str(application.pk), content_type__model="hardshipapplication"
    ).exists()
    mine = client.get("/cases/hardship/mine").content.decode()
    assert 'data-status="submitted"' in mine and "待基层审核" in mine


def test_bad_application_shows_each_field_error_and_writes_nothing(personas, yancheng_member):
    client = signed_in(personas.worker)
    bad = apply_form(period="26", reason="", requested_amount="很多")
    with nothing_written(but=("sessions.Session",)):
        response = client.post("/cases/hardship/new", bad)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="period"' in html and 'data-field="reason"' in html
    assert 'aria-describedby="id_period_error' in html or 'id="id_period_error"' in html
    no_family = {k: v for k, v in apply_form().items() if not k.startswith("household")}
    with nothing_written(but=("sessions.Session",)):
        response = client.post("/cases/hardship/new", no_family)
    assert 'data-field="household"' in response.content.decode()


def test_officer_files_at_the_hall_for_a_member_in_scope(personas, yancheng_member, line):
    client = signed_in(personas.yancheng_officer)
    assert 'id="id_member_number"' in client.get("/cases/hardship/new").content.decode()
    response = client.post(
        "/cases/hardship/new", apply_form(member_number=yancheng_member.member_number)
    )
    application = HardshipApplication.objects.get()
    assert response["Location"] == f"/cases/hardship/{application.pk}/"
    assert application.member == yancheng_member


def test_officer_outside_scope_cannot_file_for_the_member(personas, yancheng_member):
    client = signed_in(personas.hunan_officer)
    with nothing_written(but=("sessions.Session",)):
        response = client.post(
            "/cases/hardship/new", apply_form(member_number=yancheng_member.member_number)
        )
    assert response.status_code == 422
    assert 'data-field="member_number"' in response.content.decode()


def test_grassroots_then_county_approve_and_pay_the_worker_sees_the_payment(
    personas, yancheng_member, line
):
    grassroots = user_create(
        actor=SYSTEM, username="project_officer", password=None,
        role="grassroots_officer", organization=personas.yancheng_project,
    )  # fmt: skip
    application = services.hardship_apply(
        actor=personas.worker, member=yancheng_member, period="2026", reason="重病",
        household=[{"name": "郾城职工", "relation": "本人", "monthly_income": "800"}],
        requested_amount="3000",
    )  # fmt: skip
    url = f"/cases/hardship/{application.pk}/"
    signed_in(grassroots).post(url, {"action": "approve", "version": 1, "note": "属实"})
    county = signed_in(personas.yancheng_officer)
    county.post(url, {"action": "approve", "version": 2, "approved_amount": "2000"})
    paid = county.post(
        url, {"action": "disburse", "amount": "2000", "paid_on": "2026-11-20", "method": "bank"}
    )
    assert paid.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.disbursements.count() == 1
    mine = signed_in(personas.worker).get("/cases/hardship/mine").content.decode()
    assert 'data-status="approved"' in mine and "2000.00" in mine and "银行转账" in mine


def test_hardship_detail_outside_scope_is_404(personas, yancheng_member):
    application = services.hardship_apply(
        actor=SYSTEM, member=yancheng_member, period="2026", reason="重病",
        household=[{"name": "郾城职工", "relation": "本人", "monthly_income": "800"}],
        requested_amount="3000",
    )  # fmt: skip
    client = signed_in(personas.hunan_officer)
    assert client.get(f"/cases/hardship/{application.pk}/").status_code == 404
    with nothing_written(but=("sessions.Session",)):
        response = client.post(f"/cases/hardship/{application.pk}/", {"action": "approve"})
    assert response.status_code == 404


def test_officer_sets_the_local_line_on_the_page(personas):
    client = signed_in(personas.yancheng_officer)
    page = client.get("/cases/hardship/thresholds")
    assert page.status_code == 200 and 'id="threshold-form"' in page.content.decode()
    response = client.post(
        "/cases/hardship/thresholds",
        {"union_id": personas.yancheng.pk, "monthly_income_per_capita": "980.5"},
    )
    assert response.status_code == 302
    row = HardshipThreshold.objects.get()
    assert (row.union, row.monthly_income_per_capita) == (personas.yancheng, Decimal("980.50"))
    assert "980.50" in client.get("/cases/hardship/thresholds").content.decode()


def test_bad_line_and_union_outside_scope_are_field_errors_nothing_written(personas):
    client = signed_in(personas.yancheng_officer)
    with nothing_written(but=("sessions.Session",)):
        bad = client.post(
            "/cases/hardship/thresholds",
            {"union_id": personas.yancheng.pk, "monthly_income_per_capita": "-5"},
        )
        outside = client.post(
            "/cases/hardship/thresholds",
            {"union_id": personas.xinwuling.pk, "monthly_income_per_capita": "900"},
        )
    assert bad.status_code == 422
    assert 'data-field="monthly_income_per_capita"' in bad.content.decode()
    assert 'data-field="union_id"' in outside.content.decode()


def test_thresholds_page_is_404_for_a_worker(personas):
    response = signed_in(personas.worker).get("/cases/hardship/thresholds")
    assert response.status_code == 404 and 'id="threshold-form"' not in response.content.decode()


def test_officer_enrols_a_unit_in_mutual_aid_and_a_duplicate_is_a_field_error(personas):
    client = signed_in(personas.yancheng_officer)
    form = {"union_id": personas.yancheng.pk, "unit_name": "郾城区第一建筑公司", "year": 2026,
            "participants": 120}  # fmt: skip
    assert 'id="enrolment-form"' in client.get("/cases/mutual-aid/").content.decode()
    assert client.post("/cases/mutual-aid/", form).status_code == 302
    row = MutualAidEnrolment.objects.get()
    assert (row.union, row.participants) == (personas.yancheng, 120)
    with nothing_written(but=("sessions.Session",)):
        again = client.post("/cases/mutual-aid/", form)
        outside = client.post("/cases/mutual-aid/", {**form, "union_id": personas.xinwuling.pk})
    assert again.status_code == 422 and 'data-field="unit_name"' in again.content.decode()
    assert 'data-field="union_id"' in outside.content.decode()
    assert datetime.date.today().year >= 2026


def test_officer_aid_pages_render(personas):
    client = signed_in(personas.hunan_officer)
    pages = {"/cases/hardship/": "困难帮扶", "/cases/mutual-aid/": "职工医疗互助"}
    for url, heading in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and heading in response.content.decode(), url
        assert_clean_html(response)


def test_hardship_chain_and_ledger_on_the_pages(personas, hunan_member):
    services.hardship_threshold_set(actor=SYSTEM, union=personas.hunan, amount="800")
    application = services.hardship_apply(
        actor=SYSTEM, member=hunan_member, period="2026", reason="因病致困",
        household=[{"name": "本人", "relation": "本人", "monthly_income": 300}],
        requested_amount=5000,
    )  # fmt: skip
    services.hardship_approve(actor=SYSTEM, application=application, expected_version=1)
    client = signed_in(personas.hunan_officer)
    url = f"/cases/hardship/{application.pk}/"
    approved = client.post(url, {"action": "approve", "version": 2, "approved_amount": "3000"})
    assert approved.status_code == 302
    over = client.post(
        url, {"action": "disburse", "amount": "3500", "paid_on": "2026-11-20", "method": "bank"}
    )
    assert over.status_code == 422
    assert 'data-field="amount"' in over.content.decode()
    paid = client.post(
        url, {"action": "disburse", "amount": "3000", "paid_on": "2026-11-20", "method": "bank"}
    )
    assert paid.status_code == 302
    again = client.post(
        url, {"action": "disburse", "amount": "1", "paid_on": "2026-11-21", "method": "cash"}
    )
    assert again.status_code == 422
    assert HardshipDisbursement.objects.get().amount == 3000
    listing = client.get("/cases/hardship/").content.decode()
    assert hunan_member.name in listing and "3000" in listing
