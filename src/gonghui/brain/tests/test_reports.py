import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.accounts.services import user_create
from gonghui.brain import annual, demo, selectors, services
from gonghui.brain.models import AnnualReport, ReportStatus
from gonghui.core.models import AuditAction, AuditLog
from gonghui.core.testing.personas import PASSWORD
from gonghui.members.models import MemberEvent
from gonghui.members.tests.factories import make_member

YEAR = timezone.localdate().year
TYPED = {
    "female_employees": 40,
    "migrant_employees": 12,
    "committee_members": 7,
    "committee_women": 3,
    "full_time_officers": 1,
    "audit_committee_members": 3,
    "women_committee": 1,
    "open_affairs": 1,
    "general_contracts": 1,
    "women_contracts": 0,
    "workers_homes": 1,
    "dues_income_yuan": 12000,
    "allocation_income_yuan": 30000,
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


def test_draft_is_filled_from_the_data_with_the_cover(personas, report):
    assert report.figures["members"] == 1
    assert report.figures["group_courier"] == 1
    assert set(report.figures) == set(annual.DATA_KEYS)
    assert report.cover == {
        "union_code": personas.yancheng_project.credit_code,
        "union_name": personas.yancheng_project.name,
        "region_code": personas.yancheng_project.region_code,
        "union_type": personas.yancheng_project.get_org_type_display(),
    }
    assert report.status == ReportStatus.DRAFT


def test_flows_count_only_within_1_october_to_30_september(personas, grassroots_officer):
    member = make_member(personas.yancheng_project)
    early = make_member(personas.yancheng_project)
    start, end = annual.reference_period(YEAR)
    before_start = timezone.make_aware(datetime.datetime(YEAR - 1, 9, 30, 12))
    MemberEvent.objects.filter(member=early, kind="join").update(created_at=before_start)
    MemberEvent.objects.filter(member=member, kind="join").update(
        created_at=timezone.make_aware(datetime.datetime(YEAR - 1, 10, 1, 9))
    )
    report = services.report_draft(
        actor=grassroots_officer, union=personas.yancheng_project, year=YEAR
    )
    assert (start, end) == (datetime.date(YEAR - 1, 10, 1), datetime.date(YEAR, 9, 30))
    assert report.figures["members"] == 2
    assert report.figures["new_members"] == 1


def test_a_flag_row_takes_only_one_or_zero(report, grassroots_officer):
    with pytest.raises(ValidationError) as exc:
        services.report_fill(actor=grassroots_officer, report=report, typed={"women_committee": 2})
    assert "women_committee" in exc.value.message_dict
    report.refresh_from_db()
    assert report.typed == {}


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


def test_rollup_goes_level_by_level_and_lists_who_has_not_submitted(
    personas, report, grassroots_officer
):
    rollup = selectors.report_rollup(user=personas.superuser, org=personas.henan, year=YEAR)
    assert [u.pk for u in rollup["missing_unions"]] == [personas.yancheng_project.pk]
    assert rollup["totals"]["members"] == 0
    services.report_fill(actor=grassroots_officer, report=report, typed=TYPED)
    services.report_submit(actor=grassroots_officer, report=report)
    services.report_approve(actor=personas.yancheng_officer, report=report)
    rollup = selectors.report_rollup(user=personas.superuser, org=personas.henan, year=YEAR)
    assert rollup["missing_unions"] == []
    assert rollup["totals"]["members"] == 1
    assert rollup["totals"]["committee_members"] == 7
    [city] = rollup["children"]
    assert (city["org"].pk, city["approved"], city["missing"]) == (personas.luohe.pk, 1, 0)
    assert city["totals"]["dues_income_yuan"] == 12000
    county = selectors.report_rollup(user=personas.luohe_officer, org=personas.luohe, year=YEAR)
    assert county["children"][0]["totals"]["members"] == 1


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
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "封面",
        "表一",
        "表二",
        "表三",
        "表四",
        "表五",
        "表六",
        "表七",
        "表八",
    ]
    cover = list(book["封面"].iter_rows(values_only=True))
    assert cover[2] == ("工会名称", personas.yancheng_project.name)
    assert cover[5] == ("年度", YEAR)
    assert cover[6][1] == f"{YEAR - 1}-10-01 — {YEAR}-09-30"
    members = list(book["表二"].iter_rows(values_only=True))
    assert members[2] == ("201", "会员人数", "人", 1, "系统生成")
    money = list(book["表八"].iter_rows(values_only=True))
    assert money[2] == ("801", "会费收入", "元", 12000, "填报")
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, org_path=report.union.path).exists()


def test_rollup_export_has_the_same_fixed_layout(client, personas, report, grassroots_officer):
    services.report_fill(actor=grassroots_officer, report=report, typed=TYPED)
    services.report_submit(actor=grassroots_officer, report=report)
    services.report_approve(actor=personas.yancheng_officer, report=report)
    client.force_login(personas.luohe_officer)
    response = client.get(reverse("brain:reports-export"), {"year": YEAR})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "封面" and len(book.sheetnames) == 9
    assert list(book["表二"].iter_rows(values_only=True))[2][3] == 1
    assert list(book["表三"].iter_rows(values_only=True))[2][3] == 7


def test_report_page_shows_the_cover_tables_and_the_rollup(client, personas, report):
    client.force_login(personas.luohe_officer)
    page = client.get(reverse("brain:reports"), {"year": YEAR}).content.decode()
    assert "表八 工会经费" in page and personas.yancheng_project.name in page
    assert 'id="rollup-children"' in page and personas.yancheng.name in page
    detail = client.get(reverse("brain:report", args=[report.pk])).content.decode()
    assert 'id="report-cover"' in detail and personas.yancheng_project.region_code in detail


def test_bad_typed_value_is_422_next_to_its_field_and_nothing_written(
    client, report, grassroots_officer
):
    client.force_login(grassroots_officer)
    audit_rows = AuditLog.objects.count()
    response = client.post(
        reverse("brain:report", args=[report.pk]), {"action": "save", "dues_income_yuan": "-5"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'aria-describedby="f-dues_income_yuan_error"' in body
    assert 'value="-5"' in body
    report.refresh_from_db()
    assert report.typed == {}
    assert AuditLog.objects.count() == audit_rows


def test_report_list_with_a_future_year_is_422(client, personas):
    client.force_login(personas.luohe_officer)
    response = client.get(reverse("brain:reports"), {"year": str(YEAR + 1)})
    assert response.status_code == 422
    assert "年度须在2000年至今年之间" in response.content.decode()


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


def test_api_rollup_lists_children_and_who_has_not_submitted(personas, report, api):
    body = api(personas.luohe_officer).get("/api/brain/reports", year=YEAR).json()
    assert body["org_id"] == personas.luohe.pk
    assert body["missing_unions"] == [
        {"id": personas.yancheng_project.pk, "name": personas.yancheng_project.name}
    ]
    assert [(c["name"], c["missing"]) for c in body["children"]] == [(personas.yancheng.name, 1)]
    future = api(personas.luohe_officer).get("/api/brain/reports", year=YEAR + 1)
    assert future.status_code == 422 and "year" in future.json()["errors"]
    outside = api(personas.hunan_officer).get("/api/brain/reports", org_id=personas.luohe.pk)
    assert outside.status_code == 404 and personas.luohe.name not in outside.content.decode()


def test_the_demo_types_every_typed_row():
    assert set(demo.DEMO_TYPED) == annual.TYPED_KEYS
