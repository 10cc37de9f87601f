"""The hardship aid and mutual aid endpoints (/api/hardship/..., /api/mutual-aid/...)."""

import datetime

import pytest

from gonghui.aid import services
from gonghui.aid.models import HardshipApplication, HardshipDisbursement
from gonghui.core.scoping import SYSTEM

pytestmark = pytest.mark.django_db

# ---- Hardship aid ------------------------------------------------------------------------------

HOUSEHOLD = [
    {"name": "本人", "relation": "本人", "monthly_income": "900"},
    {"name": "配偶", "relation": "配偶", "monthly_income": "0"},
    {"name": "孩子", "relation": "子女", "monthly_income": "0"},
]


@pytest.fixture
def approved(api, personas, hunan_member):
    services.hardship_threshold_set(actor=SYSTEM, union=personas.hunan, amount="700")
    created = api(personas.hunan_officer).post(
        "/api/hardship/applications",
        {"member_id": hunan_member.pk, "period": "2026", "reason": "因病致困",
         "household": HOUSEHOLD, "requested_amount": "3000"},
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    app_id = created.json()["id"]
    assert created.json()["means_ok"] is True
    from gonghui.accounts.services import user_create

    grassroots = user_create(
        actor=SYSTEM, username="xwl", password=None, role="grassroots_officer",
        organization=personas.xinwuling,
    )  # fmt: skip
    step1 = api(grassroots).post(
        f"/api/hardship/applications/{app_id}/approve", {"expected_version": 1}
    )
    assert step1.json()["status"] == "grassroots_approved"
    # The grassroots officer cannot also give the county's approval (out of their scope).
    again = api(grassroots).post(
        f"/api/hardship/applications/{app_id}/approve",
        {"expected_version": 2, "approved_amount": "2000"},
    )
    assert again.status_code == 404
    step2 = api(personas.hunan_officer).post(
        f"/api/hardship/applications/{app_id}/approve",
        {"expected_version": 2, "approved_amount": "2000"},
    )
    assert step2.json()["status"] == "approved", step2.json()
    return app_id


def test_hardship_payment_within_the_approved_amount_is_recorded(api, personas, approved):
    response = api(personas.hunan_officer).post(
        f"/api/hardship/applications/{approved}/disbursements",
        {"amount": "2000", "paid_on": "2026-11-20", "method": "bank"},
    )
    assert response.status_code == 201
    assert response.json()["approver_label"] == "hunan_officer"


def test_disbursement_over_the_approved_amount_is_refused(api, personas, approved):
    response = api(personas.hunan_officer).post(
        f"/api/hardship/applications/{approved}/disbursements",
        {"amount": "2000.01", "paid_on": "2026-11-20", "method": "bank"},
    )
    assert response.status_code == 422
    assert "amount" in response.json()["errors"]
    assert HardshipDisbursement.objects.count() == 0


def test_second_payment_for_the_same_member_and_period_is_refused(api, personas, approved):
    url = f"/api/hardship/applications/{approved}/disbursements"
    officer = api(personas.hunan_officer)
    assert (
        officer.post(url, {"amount": "500", "paid_on": "2026-11-20", "method": "cash"}).status_code
        == 201
    )
    second = officer.post(url, {"amount": "500", "paid_on": "2026-11-21", "method": "cash"})
    assert second.status_code == 422
    assert "period" in second.json()["errors"]
    assert HardshipDisbursement.objects.count() == 1


def test_double_payment_is_refused_by_the_database_itself(personas, approved):
    from django.db import IntegrityError, transaction

    application = HardshipApplication.objects.get(pk=approved)
    row = {
        "application": application,
        "member": application.member,
        "period": "2026",
        "amount": 1,
        "paid_on": datetime.date(2026, 11, 1),
        "method": "cash",
        "approver_label": "x",
    }
    HardshipDisbursement.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipDisbursement.objects.create(**row)


def test_income_above_the_local_line_fails_the_means_check(api, personas, hunan_member):
    services.hardship_threshold_set(actor=SYSTEM, union=personas.liuyang, amount="500")
    created = api(personas.hunan_officer).post(
        "/api/hardship/applications",
        {"member_id": hunan_member.pk, "period": "2026-03", "reason": "失业",
         "household": [{"name": "本人", "relation": "本人", "monthly_income": "3000"}],
         "requested_amount": "1000"},
    )  # fmt: skip
    assert created.json()["means_ok"] is False
    assert created.json()["threshold"] == "500.00"
    refused = api(personas.hunan_officer).post(
        f"/api/hardship/applications/{created.json()['id']}/approve", {"expected_version": 1}
    )
    assert refused.status_code == 422
    assert "household" in refused.json()["errors"]


def test_mutual_aid_enrolment_counts_units_and_workers(api, personas):
    officer = api(personas.hunan_officer)
    for name, count in (("浏阳烟花厂", 120), ("浏阳物流园", 80)):
        response = officer.post(
            "/api/mutual-aid/enrolments",
            {
                "union_id": personas.liuyang.pk,
                "unit_name": name,
                "year": 2026,
                "participants": count,
            },
        )
        assert response.status_code == 201
    duplicate = officer.post(
        "/api/mutual-aid/enrolments",
        {
            "union_id": personas.liuyang.pk,
            "unit_name": "浏阳烟花厂",
            "year": 2026,
            "participants": 1,
        },
    )
    assert duplicate.status_code == 422
    summary = officer.get("/api/mutual-aid/summary", year=2026).json()
    assert summary == [{"year": 2026, "union_id": personas.liuyang.pk, "union_name": "浏阳市总工会",
                        "units": 2, "participants": 200}]  # fmt: skip
    assert api(personas.luohe_officer).get("/api/mutual-aid/summary").json() == []
