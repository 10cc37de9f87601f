"""Issue 10: the enterprise importer reads cells as the clerk meant them (core.spreadsheet)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gonghui.core.validators import credit_code_check_char
from gonghui.enterprises import importing
from gonghui.enterprises.models import Enterprise

from .factories import credit_code

pytestmark = pytest.mark.django_db
HEADERS = ["企业名称", "统一社会信用代码", "行业门类", "类型", "职工人数", "成立日期", "联系电话"]
FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHJKLMNPQRTUWXY",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ",
)


def xlsx_file(rows, headers=HEADERS, before=()):
    book = Workbook()
    for row in [*before, headers, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("e.xlsx", out.getvalue())


def run(uploaded, personas):
    return importing.enterprise_import(
        actor=personas.luohe_officer, uploaded=uploaded, default_street_org=personas.luohe
    )


def digits_only_code():
    for serial in range(10**8, 10**8 + 200):
        first17 = f"91411103{serial:09d}"
        check = credit_code_check_char(first17)
        if check.isdigit():
            return first17 + check
    raise AssertionError


def test_credit_code_in_a_number_cell_is_refused_with_how_to_fix_the_column(personas):
    code = digits_only_code()
    result = run(xlsx_file([["数字厂", int(code), "C", "企业", 30, "", ""]]), personas)
    assert not result.ok and not Enterprise.objects.exists()
    [message] = result.errors[2]["credit_code"]
    assert "数字格式" in message and "文本" in message


def test_full_width_spaced_code_dates_and_phone_are_read_and_listed(personas):
    code = credit_code()
    spaced = code[:8] + " " + code[8:].translate(FULL_WIDTH).lower()
    rows = [["甲　厂", spaced, "C", "企业", "３０", "2020年5月1日", "+86 139 0000 0001"]]
    result = run(xlsx_file(rows, before=[["郾城区企业名录（2024年）"], []]), personas)
    assert result.ok, result.errors
    made = Enterprise.objects.get()
    assert (made.name, made.credit_code, made.employees) == ("甲厂", code, 30)
    assert made.established_on == datetime.date(2020, 5, 1)
    assert made.contact_phone == "13900000001"
    listed = {(c.row, c.column, c.before, c.after) for c in result.changes}
    assert (4, "统一社会信用代码", spaced, code) in listed
    assert (4, "成立日期", "2020年5月1日", "2020-05-01") in listed
    assert (4, "企业名称", "甲　厂", "甲厂") in listed


def test_control_character_in_an_enterprise_name_refuses_the_file(personas):
    result = run(xlsx_file([["甲\u202e厂", credit_code(), "C", "企业", 30, "", ""]]), personas)
    assert "控制字符" in result.errors[2]["name"][0]
    assert not Enterprise.objects.exists()


def test_import_page_lists_the_corrected_cells(client, personas):
    client.force_login(personas.luohe_officer)
    code = credit_code()
    upload = xlsx_file([["乙厂", code.lower(), "C", "企业", 8, "", ""]])
    response = client.post(
        "/enterprises/import/", {"file": upload, "street_org": personas.luohe.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-changes"' in page
    assert code.lower() in page and code in page
    assert Enterprise.objects.get().credit_code == code


def test_import_api_returns_the_changes(personas, api):
    caller = api(personas.luohe_officer)
    code = credit_code()
    response = caller.client.post(
        "/api/enterprises/import",
        {"file": xlsx_file([["丙厂", code.translate(FULL_WIDTH), "C", "企业", 8, "", ""]]),
         "street_org_id": personas.luohe.pk},
        headers=caller.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    [change] = response.json()["changes"]
    assert change == {
        "row": 2, "column": "统一社会信用代码", "before": code.translate(FULL_WIDTH), "after": code,
    }  # fmt: skip


def test_template_credit_code_column_is_text_and_example_is_safe():
    content, _type, _name = importing.template("xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet["B3"].number_format == "@"
