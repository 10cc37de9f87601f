"""An import links each member to the registered enterprise they work for: by the credit code
column, else by the unit's exact name; an unknown code (or one outside the officer's scope) is
that row's field error and the row is not enrolled."""

import pytest

from gonghui.enterprises.tests.factories import credit_code, enterprise
from gonghui.members.models import Member
from gonghui.rosters import importing

from .test_import import HEADERS, good_row, run, workbook

pytestmark = pytest.mark.django_db

WITH_CODE = [*HEADERS, "统一社会信用代码"]


def test_import_links_the_employer_by_credit_code_or_exact_name(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    port = enterprise(personas.yancheng, name="港航物流园有限公司")
    named = enterprise(personas.yancheng, name="郾城顺达快递有限公司")
    by_code, by_name, free = good_row(1), good_row(2), good_row(3)
    by_code.append(port.credit_code.lower())  # case is not the clerk's problem
    by_name[4] = named.name
    by_name.append("")
    free[4] = "没有登记的小店"
    free.append("")
    job = run(
        personas, workbook([by_code, by_name, free], WITH_CODE),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert (job.created_count, job.error_count) == (3, 0)
    members = {m.name: m for m in Member.objects.filter(union=personas.yancheng_project)}
    assert members[by_code[0]].employer_id == port.pk
    assert members[by_name[0]].employer_id == named.pk
    assert members[free[0]].employer_id is None
    assert members[free[0]].employer_name == "没有登记的小店"


def test_unknown_or_out_of_scope_credit_code_is_the_rows_field_error(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    elsewhere = enterprise(personas.xinwuling, credit_code=credit_code("430181"))  # 湖南
    unknown, hidden, fine = good_row(4), good_row(5), good_row(6)
    unknown.append(credit_code("411103", 9_999_999))
    hidden.append(elsewhere.credit_code)
    fine.append("")
    job = run(
        personas, workbook([unknown, hidden, fine], WITH_CODE),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert (job.created_count, job.error_count) == (1, 2)
    assert list(Member.objects.values_list("name", flat=True)) == [fine[0]]
    from openpyxl import load_workbook

    with job.error_report.open("rb") as handle:
        sheet = load_workbook(handle).worksheets[0]
    reasons = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(reasons) == 2
    assert all("统一社会信用代码：没有找到该统一社会信用代码的企业" in r for r in reasons)


def test_template_has_the_credit_code_column():
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(importing.template_xlsx())).worksheets[0]
    assert "统一社会信用代码" in [c.value for c in sheet[1]]
