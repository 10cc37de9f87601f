import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from gonghui.members.choices import ImportStatus
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import ImportJob, Member
from gonghui.rosters import importing

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号码", "手机号码", "职业群体", "工作单位", "工作地点", "入会日期"]


def good_row(i):
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=i // 900)
    number = synthetic_id_card("411103", birth, i % 900)
    return [f"测试{i}", number, f"138{i:08d}", "快递员", "港航物流园", "郾城区", "2024-03-01"]


def bad_row(i, kind):
    row = good_row(i)
    if kind == 0:
        row[1] = row[1][:17] + ("0" if row[1][17] != "0" else "1")  # checksum
    elif kind == 1:
        row[2] = "12345"  # phone
    elif kind == 2:
        row[0] = ""  # name
    elif kind == 3:
        row[3] = "宇航员"  # group
    else:
        row[6] = "2024-13-45"  # date
    return row


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="members.xlsx"):
    return SimpleUploadedFile(name, content)


def run(personas, content, name="members.xlsx", capture=None):
    with capture(execute=True):
        job = importing.import_start(
            actor=personas.luohe_officer,
            union=personas.yancheng_project,
            upload=upload(content, name),
        )
    job.refresh_from_db()
    return job


def test_import_10000_rows_with_300_bad_lands_9700_and_reports_300(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    rows = [good_row(i) for i in range(10_000)]
    bad_indexes = list(range(0, 9_900, 33))[:300]
    for n, i in enumerate(bad_indexes):
        rows[i] = bad_row(i, n % 5)
    content = workbook(rows)
    job = run(personas, content, capture=django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count, job.existing_count) == (9_700, 300, 0)
    assert Member.objects.filter(union=personas.yancheng_project).count() == 9_700
    report = CalamineWorkbook.from_path(job.error_report.path).get_sheet_by_index(0).to_python()
    assert len(report) == 301
    assert sorted(int(r[0]) for r in report[1:]) == [i + 2 for i in bad_indexes]
    assert all(r[-1] for r in report[1:])

    again = run(personas, content, capture=django_capture_on_commit_callbacks)
    assert (again.created_count, again.existing_count, again.error_count) == (0, 9_700, 300)
    assert Member.objects.count() == 9_700


def test_import_csv_in_gb18030(personas, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    text = ",".join(HEADERS) + "\n" + "\n".join(",".join(good_row(i)) for i in range(5))
    job = run(personas, text.encode("gb18030"), "members.csv", django_capture_on_commit_callbacks)
    assert job.created_count == 5 and job.error_count == 0


def test_duplicate_id_within_file_is_reported(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    job = run(
        personas, workbook([good_row(1), good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.error_count) == (1, 1)


def test_wrong_headers_are_refused_and_nothing_written(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = workbook([good_row(1)], headers=["名字", "证件", "电话"])
    with pytest.raises(ValidationError) as error:
        importing.import_start(
            actor=personas.luohe_officer, union=personas.yancheng_project, upload=upload(content)
        )
    assert "身份证号码" in str(error.value.message_dict["file"])
    assert not ImportJob.objects.exists() and not Member.objects.exists()


def test_file_that_is_not_a_spreadsheet_is_refused(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        importing.import_start(
            actor=personas.luohe_officer, union=personas.yancheng_project,
            upload=upload(b"%PDF-1.4 not a sheet", "members.xlsx"),
        )  # fmt: skip
    assert "file" in error.value.message_dict
    with pytest.raises(ValidationError):
        importing.import_start(
            actor=personas.luohe_officer, union=personas.yancheng_project,
            upload=upload(b"hello", "members.pdf"),
        )  # fmt: skip
    assert not ImportJob.objects.exists()


def test_upload_over_8_mb_is_refused(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = upload(b"PK\x03\x04" + b"0" * (8 * 1024 * 1024), "big.xlsx")
    with pytest.raises(ValidationError) as error:
        importing.import_start(
            actor=personas.luohe_officer, union=personas.yancheng_project, upload=big
        )
    assert "8 MB" in str(error.value.message_dict["file"])


def test_import_api_and_progress_page(
    api, client, personas, settings, tmp_path, django_capture_on_commit_callbacks, persona_password
):
    settings.MEDIA_ROOT = tmp_path
    caller = api(personas.luohe_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = caller.client.post(
            "/api/members/imports",
            {"union_id": personas.yancheng_project.pk, "file": upload(workbook([good_row(7)]))},
            headers=caller.headers,
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert caller.get(f"/api/members/imports/{job_id}").json()["created_count"] == 1
    client.force_login(personas.luohe_officer)
    page = client.get(f"/members/imports/{job_id}/")
    assert page.status_code == 200 and 'data-status="done"' in page.content.decode()
    partial = client.get(f"/members/imports/{job_id}/", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="import-progress"')


def test_template_has_chinese_headers(client, personas, persona_password):
    client.force_login(personas.luohe_officer)
    response = client.get("/members/import/template.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    headers = book.get_sheet_by_index(0).to_python()[0]
    # The real-name profile's columns follow (test_import_profile.py).
    assert headers[: len(HEADERS) + 1] == [*HEADERS, "统一社会信用代码"]
