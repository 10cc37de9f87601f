"""The real-name profile (民族, 学历, 户籍 …) as columns of the import: refused as the profile
page refuses, with the column's message in the error report, and nothing written for that
person (the join's: joining/tests/test_join_profile.py)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from gonghui.members.models import Member
from gonghui.rosters import importing

from .test_import import HEADERS, good_row, run, workbook

pytestmark = pytest.mark.django_db


PROFILE_HEADERS = [*HEADERS, "民族", "学历", "是否农民工", "参加工作年份", "户籍地行政区划代码"]


def test_import_reads_the_profile_columns_by_label(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    labelled, coded, bad = good_row(1), good_row(2), good_row(3)
    labelled += ["汉族", "大专", "是", "2015年", 411102]  # a number cell is fine for a region code
    coded += ["", "bachelor", "否", 2010, ""]
    bad += ["汉族", "博士后", "也许", 1800, "41110"]
    job = run(
        personas, workbook([labelled, coded, bad], PROFILE_HEADERS),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert (job.created_count, job.error_count) == (2, 1)
    members = {m.name: m for m in Member.objects.all()}
    first, second = members[labelled[0]], members[coded[0]]
    assert (first.ethnicity, first.education, first.is_migrant_worker) == ("汉族", "college", True)
    assert (first.work_start_year, first.hukou_region) == (2015, "411102")
    assert (second.education, second.is_migrant_worker, second.hukou_region) == (
        "bachelor", False, "",
    )  # fmt: skip
    assert bad[0] not in members
    with job.error_report.open("rb") as handle:
        sheet = load_workbook(handle).worksheets[0]
    reason = next(row[-1] for row in sheet.iter_rows(min_row=2, values_only=True))
    for header in ("学历", "是否农民工", "参加工作年份", "户籍地行政区划代码"):
        assert f"{header}：" in reason


def test_template_lists_the_profile_columns_and_their_values():
    book = load_workbook(BytesIO(importing.template_xlsx()))
    headers = [c.value for c in book.worksheets[0][1]]
    assert "统一社会信用代码" in headers
    assert headers[-1] == "紧急联系人电话" and {"民族", "学历", "户籍类型"} <= set(headers)
    notes = {row[0]: row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert "本科" in notes["学历"] and "群众" in notes["政治面貌"]
