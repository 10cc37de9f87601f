import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.accounts.services import user_create
from gonghui.brain import services
from gonghui.brain.models import AnnualReport, ReportStatus
from gonghui.core.models import AuditLog
from gonghui.core.testing.personas import PASSWORD
from gonghui.members.tests.factories import make_member

YEAR = timezone.localdate().year
TYPED = {
    "committee_members": 7,
    "committee_women": 3,
    "full_time_officers": 1,
    "dues_income_yuan": 12000,
    "spending_yuan": 9000,
}


@pytest.fixture
def grassroots_officer(personas):
    from gonghui.core.scoping import SYSTEM

    return user_create(
        actor=SYSTEM,
        username="project_officer",
        password=PASSWORD,
        role="grassroots_officer",
        organization=personas.yancheng_project,
    )


@pytest.fixture
def report(personas, grassroots_officer):
    make_member(personas.yancheng_project)
    return services.report_draft(
        actor=grassroots_officer, union=personas.yancheng_project, year=YEAR
    )


def test_draft_is_filled_from_the_data(report):
    assert report.figures["members"] == 1
    assert report.status == ReportStatus.DRAFT


def test_submit_needs_the_typed_fields(report, grassroots_officer):
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=grassroots_officer, report=report)
    assert "typed" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_county_returns_with_a_reason_and_the_union_resubmits(personas, report, grassroots_officer):
    services.report_fill(actor=grassroots_officer, report=report, typed=TYPED)
    services.report_submit(actor=grassroots_officer, report=report)
    with pytest.raises(ValidationError):
        services.report_approve(actor=grassroots_officer, report=report)  # not its own reviewer
    returned = services.report_return(
        actor=personas.yancheng_officer, report=report, reason="会费收入与账目不符"
    )
    assert returned.status == ReportStatus.RETURNED
    assert returned.return_reason == "会费收入与账目不符"
    services.report_fill(
        actor=grassroots_officer, report=returned, typed={"dues_income_yuan": 11000}
    )
    services.report_submit(actor=grassroots_officer, report=returned)
    approved = services.report_approve(actor=personas.yancheng_officer, report=returned)
    assert approved.status == ReportStatus.APPROVED
    assert approved.typed["dues_income_yuan"] == 11000


def test_approved_report_is_locked(personas, report, grassroots_officer):
    services.report_fill(actor=grassroots_officer, report=report, typed=TYPED)
    services.report_submit(actor=grassroots_officer, report=report)
    services.report_approve(actor=personas.yancheng_officer, report=report)
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.report_fill(actor=grassroots_officer, report=report, typed={"spending_yuan": 1})
    assert "锁定" in str(exc.value.message_dict["status"])
    report.refresh_from_db()
    assert report.typed["spending_yuan"] == 9000
    assert AuditLog.objects.count() == audit_rows


def test_province_rollup_sums_approved_and_lists_who_has_not_submitted(
    personas, report, grassroots_officer
):
    rollup = services.report_rollup(user=personas.luohe_officer, org=personas.luohe, year=YEAR)
    assert [u.pk for u in rollup["missing"]] == [personas.yancheng_project.pk]
    services.report_fill(actor=grassroots_officer, report=report, typed=TYPED)
    services.report_submit(actor=grassroots_officer, report=report)
    services.report_approve(actor=personas.luohe_officer, report=report)
    rollup = services.report_rollup(user=personas.luohe_officer, org=personas.luohe, year=YEAR)
    assert list(rollup["missing"]) == []
    assert rollup["totals"]["members"] == 1
    assert rollup["totals"]["committee_members"] == 7


def test_report_outside_scope_is_404(client, personas, report):
    client.force_login(personas.hunan_officer)
    response = client.get(reverse("brain:report", args=[report.pk]))
    assert response.status_code == 404
    assert 'id="data-figures"' not in response.content.decode()
    assert report.union.name not in response.content.decode()


def test_report_page_return_and_export(client, personas, report, grassroots_officer):
    client.force_login(grassroots_officer)
    data = {"action": "submit", **{k: str(v) for k, v in TYPED.items()}}
    assert client.post(reverse("brain:report", args=[report.pk]), data).status_code == 302
    client.force_login(personas.yancheng_officer)
    response = client.post(
        reverse("brain:report", args=[report.pk]), {"action": "return", "reason": ""}
    )
    assert response.status_code == 422
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    client.post(reverse("brain:report", args=[report.pk]), {"action": "return", "reason": "请核对"})
    assert AnnualReport.objects.get(pk=report.pk).return_reason == "请核对"
    response = client.get(reverse("brain:report-export", args=[report.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("工会名称", personas.yancheng_project.name, None)
    assert ("表一 基本情况", "会员人数", 1) in rows


def test_api_refuses_editing_a_locked_report_with_the_reason(
    personas, report, grassroots_officer, api
):
    client = api(grassroots_officer)
    assert client.patch(f"/api/brain/reports/{report.pk}", {"typed": TYPED}).status_code == 200
    assert client.post(f"/api/brain/reports/{report.pk}/submit").json()["status"] == "submitted"
    county = api(personas.yancheng_officer)
    assert county.post(f"/api/brain/reports/{report.pk}/approve").json()["status"] == "approved"
    response = client.patch(f"/api/brain/reports/{report.pk}", {"typed": {"spending_yuan": 1}})
    assert response.status_code == 422
    assert "锁定" in response.json()["errors"]["status"][0]
    assert AnnualReport.objects.get(pk=report.pk).typed["spending_yuan"] == 9000
    outsider = api(personas.hunan_officer).get(f"/api/brain/reports/{report.pk}")
    assert outsider.status_code == 404
