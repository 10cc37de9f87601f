import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises import importing
from gonghui.enterprises.models import Enterprise

from .factories import credit_code, enterprise

pytestmark = pytest.mark.django_db
HEADERS = ["企业名称", "统一社会信用代码", "行业门类", "类型", "职工人数", "所属街道/园区工会"]


def csv_file(rows, headers=HEADERS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile("e.csv", buffer.getvalue().encode("utf-8-sig"))


def xlsx_file(rows, headers=HEADERS):
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("e.xlsx", out.getvalue())


def run(uploaded, actor, default=None):
    return importing.enterprise_import(actor=actor, uploaded=uploaded, default_street_org=default)


def test_import_from_xlsx_creates_enterprises(personas):
    rows = [["甲厂", credit_code(), "C", "企业", 30, "郾城区总工会"],
            ["乙店", credit_code(), "批发和零售业", "小微企业", 8, ""]]  # fmt: skip
    result = run(xlsx_file(rows), personas.luohe_officer, default=personas.luohe)
    assert (result.ok, result.created) == (True, 2)
    second = Enterprise.objects.get(name="乙店")
    assert (second.industry, second.kind, second.street_org) == ("F", "small", personas.luohe)


def test_import_twice_is_idempotent_on_the_credit_code(personas):
    rows = [["甲厂", credit_code(), "C", "企业", 30, "郾城区总工会"]]
    run(csv_file(rows), personas.luohe_officer)
    again = run(csv_file(rows), personas.luohe_officer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    rows[0][4] = 31
    changed = run(csv_file(rows), personas.luohe_officer)
    assert changed.updated == 1
    assert Enterprise.objects.get().employees == 31


def test_one_bad_row_writes_nothing_and_reports_each_row(personas):
    code = credit_code()
    rows = [["好厂", credit_code(), "C", "企业", 30, "郾城区总工会"],
            ["坏码厂", "91411103MA00000001", "C", "企业", 30, "郾城区总工会"],
            ["负数厂", credit_code(), "C", "企业", -2, "郾城区总工会"],
            ["重复甲", code, "C", "企业", 3, "郾城区总工会"],
            ["重复乙", code, "C", "企业", 3, "郾城区总工会"],
            ["外地厂", credit_code(), "C", "企业", 3, "浏阳市总工会"]]  # fmt: skip
    result = run(csv_file(rows), personas.luohe_officer)
    assert not result.ok
    assert set(result.errors) == {3, 4, 6, 7}
    assert "credit_code" in result.errors[3]
    assert "employees" in result.errors[4]
    assert "credit_code" in result.errors[6]
    assert "street_org" in result.errors[7]
    assert not Enterprise.objects.exists()


def test_an_enterprise_registered_elsewhere_is_not_overwritten(personas):
    hunan_firm = enterprise(personas.liuyang, actor=SYSTEM, name="浏阳厂")
    rows = [["改名厂", hunan_firm.credit_code, "C", "企业", 30, "郾城区总工会"]]
    result = run(csv_file(rows), personas.luohe_officer)
    assert "credit_code" in result.errors[2]
    hunan_firm.refresh_from_db()
    assert hunan_firm.name == "浏阳厂"


def test_missing_required_header_is_reported(personas):
    result = run(csv_file([["甲厂"]], headers=["企业名称"]), personas.luohe_officer)
    assert "file" in result.errors[1]


def test_the_xlsx_template_has_the_chinese_headers():
    content, _type, _name = importing.template("xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == [title for title, _f in importing.COLUMNS]


def test_import_endpoint_returns_row_errors_as_422(personas, api):
    client = api(personas.luohe_officer)
    rows = [["坏码厂", "91411103MA00000001", "C", "企业", 30, "郾城区总工会"]]
    with nothing_written():
        response = client.client.post(
            "/api/enterprises/import", {"file": csv_file(rows)}, headers=client.headers
        )
    assert response.status_code == 422
    assert "credit_code" in response.json()["errors"]["2"]


cell_text = st.one_of(st.text(max_size=30), st.integers(-(10**6), 10**6).map(str), st.just(""))


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(rows=st.lists(st.lists(cell_text, min_size=0, max_size=8), min_size=1, max_size=5))
def test_any_csv_content_gives_row_errors_or_rows_never_a_crash(personas, rows):
    headers = [*HEADERS, "成立日期", "纬度"]
    rows = [[value.replace("\x00", "") for value in row] for row in rows]
    result = run(csv_file(rows, headers=headers), SYSTEM, default=personas.yancheng)
    written = Enterprise.objects.count()
    assert result.ok or written == 0
    Enterprise.objects.all().delete()
