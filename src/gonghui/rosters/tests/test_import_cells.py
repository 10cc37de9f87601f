"""Issue 10 ("Trust"), the import rows: cells read as the clerk meant them or refused with the
fix, no union named outside the officer's scope, formula text kept text in the report, rosters
sealed and deleted, reports expiring, a dead worker's job failed and re-runnable."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from gonghui.core.validators import is_valid_id_card
from gonghui.members import crypto
from gonghui.members.choices import ImportStatus
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import ImportJob, Member
from gonghui.rosters import importing

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号码", "手机号码", "职业群体", "工作单位", "工作地点", "入会日期"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def person(i, region="411103", birth=datetime.date(1985, 6, 1)):
    return [f"测试{i}", synthetic_id_card(region, birth, i), f"139{i:08d}", "快递员", "", "", ""]


def xlsx(rows, headers=HEADERS, before=(), merges=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in before:
        sheet.append(row)
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def start(personas, content, name="members.xlsx", officer=None, union=None):
    return importing.import_start(
        actor=officer or personas.luohe_officer,
        union=union or personas.yancheng_project,
        upload=SimpleUploadedFile(name, content),
    )


def run(personas, content, capture, **kwargs):
    with capture(execute=True):
        job = start(personas, content, **kwargs)
    job.refresh_from_db()
    return job


def report(job):
    with job.error_report.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def error_rows(job):
    sheet = report(job).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def stored_ids():
    return {crypto.decrypt_id(m.id_card_encrypted) for m in Member.objects.all()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def mangled_but_valid():
    """A valid number whose 15-significant-digit float, widened back to 18 digits as the old
    importer did, is another valid number: the silent wrong enrolment."""
    for day in range(400):
        number = synthetic_id_card("430181", datetime.date(1980, 1, 1) + datetime.timedelta(day), 2)
        if number.endswith("X"):
            continue
        cell = float(f"{int(number):.14E}")
        widened = str(int(cell))
        if widened != number and is_valid_id_card(widened):
            return number, cell, widened
    raise AssertionError("no example")


# ---- Cells ------------------------------------------------------------------------------------


def test_id_number_stored_as_a_number_is_refused_with_how_to_fix_the_column(
    personas, media, django_capture_on_commit_callbacks
):
    _number, cell, widened = mangled_but_valid()
    row = ["李四", cell, "13900000001", "", "", "", ""]
    job = run(personas, xlsx([row]), django_capture_on_commit_callbacks)
    assert (job.created_count, job.error_count) == (0, 1)
    assert not Member.objects.exists()
    [line] = error_rows(job)
    reason = line[-1]
    assert "数字格式" in reason and "文本" in reason and "重新输入或粘贴" in reason
    # The report shows the cell as Excel kept it, never the 18 digits it does not hold.
    assert line[2] == format(cell, ".15G") and widened not in str(line)


def test_id_number_as_scientific_text_in_a_csv_is_refused(
    personas, media, django_capture_on_commit_callbacks
):
    text = ",".join(HEADERS) + "\n王五,4.16338199603141E+17,13900000002,,,,\n"
    job = run(personas, text.encode(), django_capture_on_commit_callbacks, name="m.csv")
    assert job.error_count == 1 and not Member.objects.exists()
    assert "文本" in error_rows(job)[0][-1]


def test_clerk_typing_is_read_and_every_change_listed(
    personas, media, django_capture_on_commit_callbacks
):
    ids = [synthetic_id_card("411103", datetime.date(1990, 3, 4), i) for i in range(6)]
    with_x = next(
        synthetic_id_card("411103", datetime.date(1991, 1, 1), i)
        for i in range(200)
        if synthetic_id_card("411103", datetime.date(1991, 1, 1), i).endswith("X")
    )
    old15 = "411103750304123"  # first generation: born 1975-03-04
    spaced = f"{ids[1][:6]} {ids[1][6:14]}\u00a0{ids[1][14:]}"
    rows = [
        ["张　三", ids[0].translate(FULL_WIDTH), "+86 139-0000-0001", "", "", "", "2023/5/1"],
        ["李四", spaced, "0086 13900000002", "", "", "", "2023.5.1"],
        ["王五", with_x.lower(), "139 0000 0003", "", "", "", "2023年5月1日"],
        ["赵六", old15, 13900000004, "", "", "", datetime.date(2023, 5, 1)],
    ]  # fmt: skip
    job = run(personas, xlsx(rows), django_capture_on_commit_callbacks)
    assert (job.created_count, job.error_count) == (4, 0), error_rows(job)
    upgraded = "41110319750304123" + importing.spreadsheet.id_card_check_char("41110319750304123")
    assert stored_ids() == {ids[0], ids[1], with_x, upgraded}
    members = {m.name: m for m in Member.objects.all()}
    assert set(members) == {"张三", "李四", "王五", "赵六"}
    assert [members[n].phone for n in ("张三", "李四", "王五", "赵六")] == [
        "13900000001", "13900000002", "13900000003", "13900000004",
    ]  # fmt: skip
    assert {m.joined_on for m in members.values()} == {datetime.date(2023, 5, 1)}
    changes = [
        [c.value for c in row] for row in report(job)["已修正"].iter_rows(min_row=2)
    ]  # (row, column, before, after)
    assert [str(v) for v in changes[0]] == ["2", "姓名", "张　三", "张三"]
    assert [3, "身份证号码", spaced, ids[1]] in changes
    assert [4, "身份证号码", with_x.lower(), with_x] in changes
    assert [5, "身份证号码", old15, upgraded] in changes
    # (the report quotes text a spreadsheet would run: "+86…" is shown as "'+86…")
    assert [2, "手机号码", "'+86 139-0000-0001", "13900000001"] in changes
    assert [3, "入会日期", "2023.5.1", "2023-05-01"] in changes
    assert [4, "入会日期", "2023年5月1日", "2023-05-01"] in changes
    assert not [c for c in changes if c[0] == 5 and c[1] in ("手机号码", "入会日期")]
    assert job.changed_count == len(changes)


def test_title_rows_and_merged_header_cells_above_the_header_are_skipped(
    personas, media, django_capture_on_commit_callbacks
):
    title = ["郾城区康养产业园会员花名册"]
    group = ["姓名", "基本信息", "", "其他"]
    second = ["", "身份证号码", "手机号码", "职业群体", "工作单位", "工作地点", "入会日期"]
    bad = person(2)
    bad[2] = "12345"
    content = xlsx(
        [person(1), bad],
        headers=second,
        before=[title, ["填报单位：康养产业园工会"], group],
        merges=["A1:G1", "A3:A4", "B3:C3", "D3:G3"],
    )
    job = run(personas, content, django_capture_on_commit_callbacks)
    assert (job.created_count, job.error_count, job.total_rows) == (1, 1, 2)
    assert Member.objects.get().name == "测试1"
    assert [row[0] for row in error_rows(job)] == [6]  # the sheet's own row number


def test_excel_date_cells_and_datetime_cells_are_read(
    personas, media, django_capture_on_commit_callbacks
):
    rows = [person(1), person(2)]
    rows[0][6] = datetime.datetime(2023, 5, 1, 0, 0)
    rows[1][6] = "2023-5-1 00:00:00"
    job = run(personas, xlsx(rows), django_capture_on_commit_callbacks)
    assert job.created_count == 2
    assert set(Member.objects.values_list("joined_on", flat=True)) == {datetime.date(2023, 5, 1)}


def test_template_id_and_phone_columns_are_text(client, personas):
    client.force_login(personas.luohe_officer)
    response = client.get("/members/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet["B2"].number_format == "@" and sheet["C2"].number_format == "@"


def test_control_character_in_a_name_refuses_the_row(
    personas, media, django_capture_on_commit_callbacks
):
    rows = [person(1), person(2)]
    rows[0][0] = "张\u202e三"  # right-to-left override: legal in xlsx, not in a name
    job = run(personas, xlsx(rows), django_capture_on_commit_callbacks)
    assert (job.created_count, job.error_count) == (1, 1)
    assert "控制字符" in error_rows(job)[0][-1] and "姓名" in error_rows(job)[0][-1]
    text = ",".join(HEADERS) + "\n" + ",".join(person(3)).replace("测试3", "测\x07试") + "\n"
    job = run(personas, text.encode(), django_capture_on_commit_callbacks, name="m.csv")
    assert job.error_count == 1
    assert set(Member.objects.values_list("name", flat=True)) == {"测试2"}


# ---- Property: stores exactly that number or refuses the row ----------------------------------

REGIONS = ["110101", "411103", "430181", "640104", "130502"]
SPACES = [" ", "\u00a0", "\u3000", "  "]
WRITTEN: set[str] = set()


@st.composite
def written_ids(draw):
    region = draw(st.sampled_from(REGIONS))
    birth = draw(st.dates(datetime.date(1935, 1, 1), datetime.date(2008, 1, 1)))
    number = synthetic_id_card(region, birth, draw(st.integers(0, 999)))
    form = draw(st.sampled_from(["text", "int", "float", "full-width", "spaced", "lower"]))
    if form == "int" and number[-1] != "X":
        cell = int(number)
    elif form == "float" and number[-1] != "X":
        cell = float(number)
    elif form == "full-width":
        cell = number.translate(FULL_WIDTH)
    elif form == "spaced":
        cuts = sorted(draw(st.lists(st.integers(1, 17), min_size=1, max_size=4, unique=True)))
        parts = [number[i:j] for i, j in zip([0, *cuts], [*cuts, 18], strict=True)]
        cell = draw(st.sampled_from(SPACES)).join(parts)
    elif form == "lower":
        cell = number.lower()
    else:
        cell = number
    return number, cell


@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(written=written_ids())
def test_any_valid_id_in_any_cell_form_is_stored_exactly_or_refused(
    personas, media, django_capture_on_commit_callbacks, written
):
    number, cell = written
    WRITTEN.add(number)
    before = Member.objects.count()
    job = run(
        personas,
        xlsx([["某人", cell, "13900000009", "", "", "", "2024-01-02"]]),
        django_capture_on_commit_callbacks,
    )
    assert job.created_count + job.existing_count + job.error_count == 1
    if isinstance(cell, int | float):
        assert job.error_count == 1  # a number cell is refused, never widened back
    if job.error_count:
        assert Member.objects.count() == before
    elif job.created_count:
        newest = Member.objects.order_by("-pk").first()
        assert crypto.decrypt_id(newest.id_card_encrypted) == number
    else:
        assert Member.objects.filter(id_card_hash=crypto.id_hash(number)).exists()
    # Across every example so far: nothing but numbers that were written is ever stored.
    assert stored_ids() <= WRITTEN


# ---- The report -------------------------------------------------------------------------------


def test_formula_like_name_stays_text_in_the_error_report(
    personas, media, django_capture_on_commit_callbacks
):
    row = person(1)
    row[0] = '=HYPERLINK("http://evil.example","点击")'
    row[2] = "12345"
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(row)
    book.active["A2"].data_type = "s"  # typed as text by the clerk, not a formula
    out = io.BytesIO()
    book.save(out)
    job = run(personas, out.getvalue(), django_capture_on_commit_callbacks)
    cell = report(job).worksheets[0]["B2"]
    assert cell.data_type in ("s", "inlineStr")  # text, not "f"
    assert cell.value == "'" + row[0]


def test_report_does_not_name_a_union_outside_the_officers_scope(
    personas, media, django_capture_on_commit_callbacks
):
    elsewhere = person(1, region="430181")
    run(
        personas, xlsx([elsewhere]), django_capture_on_commit_callbacks,
        officer=personas.hunan_officer, union=personas.changsha,
    )  # fmt: skip
    nearby = person(2)
    run(personas, xlsx([nearby]), django_capture_on_commit_callbacks, union=personas.yancheng)
    job = run(personas, xlsx([elsewhere, nearby]), django_capture_on_commit_callbacks)
    assert job.error_count == 2 and Member.objects.count() == 2
    outside, inside = error_rows(job)
    assert "长沙" not in outside[-1] and "湖南" not in outside[-1]
    assert "已在其他工会登记为会员" in outside[-1]
    assert "郾城区总工会" in inside[-1]


# ---- Files and jobs ---------------------------------------------------------------------------


def test_uploaded_roster_is_sealed_under_private_and_deleted_when_done(
    personas, media, django_capture_on_commit_callbacks
):
    rows = [person(1), person(2)]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = start(personas, xlsx(rows))
    assert job.file.name.startswith("private/")
    on_disk = Path(job.file.path).read_bytes()
    assert not on_disk.startswith(b"PK") and rows[0][1].encode() not in on_disk
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 2
    assert not job.file
    leftovers = [p for p in media.rglob("*") if p.is_file()]
    assert leftovers == []  # no report either: nothing was wrong or changed


def test_roster_is_deleted_when_the_import_fails(
    personas, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = start(personas, xlsx([person(1)]))
    path = Path(job.file.path)
    path.write_bytes(b"k1\ncorrupted")
    with pytest.raises(Exception):  # noqa: B017 - whatever the failure, the task re-raises it
        importing.run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not job.file and not path.exists()
    assert not Member.objects.exists()


def test_error_report_expires_after_seven_days(
    client, personas, media, django_capture_on_commit_callbacks
):
    bad = person(1)
    bad[2] = "12345"
    job = run(personas, xlsx([bad]), django_capture_on_commit_callbacks)
    client.force_login(personas.luohe_officer)
    url = f"/members/imports/{job.pk}/report.xlsx"
    assert client.get(url).status_code == 200
    report_path = Path(job.error_report.path)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1), tick=False):
        response = client.get(url)
        assert response.status_code == 410 and "已过期" in response.content.decode()
        page = client.get(f"/members/imports/{job.pk}/").content.decode()
        assert "data-report-expired" in page and url not in page
        call_command("import_cleanup", stdout=io.StringIO())
    job.refresh_from_db()
    assert not job.error_report and not report_path.exists()


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after this point runs."""


def test_killed_import_is_marked_failed_and_a_rerun_enrols_nobody_twice(
    client, personas, media, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    rows = [person(i) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=False):
        job = start(personas, xlsx(rows))

    beats = []

    def die_in_the_second_batch(execute, sql, params, many, context):
        # A batch's progress is written in its transaction, last: the second batch dies with
        # its members inserted and its progress not yet written, the first one committed.
        if sql.startswith("UPDATE") and "processed_rows" in sql:
            beats.append(sql)
            if len(beats) == 2:
                raise Killed
        return execute(sql, params, many, context)

    with connection.execute_wrapper(die_in_the_second_batch), pytest.raises(Killed):
        importing.run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and Member.objects.count() == 2
    assert job.processed_rows == 2 and job.created_count == 2  # the first batch, whole
    assert job.file  # the sealed roster waits for the re-run

    call_command("import_cleanup", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # it is not dead yet: it reported just now

    later = timezone.now() + datetime.timedelta(minutes=importing.STALE_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        client.force_login(personas.luohe_officer)
        page = client.get(f"/members/imports/{job.pk}/").content.decode()
        assert 'data-status="stalled"' in page and "/rerun" in page
        out = io.StringIO()
        call_command("import_cleanup", stdout=out)
        assert "1 interrupted" in out.getvalue()
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED and "中断" in job.message
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/members/imports/{job.pk}/rerun")
        assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.existing_count, job.error_count) == (3, 2, 0)
    assert Member.objects.count() == 5
    assert stored_ids() == {row[1] for row in rows}
    assert not job.file


def test_rerun_is_refused_for_an_auditor_and_for_a_finished_job(
    api, personas, media, django_capture_on_commit_callbacks
):
    job = run(personas, xlsx([person(1)]), django_capture_on_commit_callbacks)
    caller = api(personas.luohe_officer)
    response = caller.client.post(f"/api/members/imports/{job.pk}/rerun", headers=caller.headers)
    assert response.status_code == 422
    auditor = api(personas.hunan_auditor)
    other = run(
        personas, xlsx([person(2, region="430181")]), django_capture_on_commit_callbacks,
        officer=personas.hunan_officer, union=personas.changsha,
    )  # fmt: skip
    ImportJob.objects.filter(pk=other.pk).update(status=ImportStatus.FAILED)
    response = auditor.client.post(
        f"/api/members/imports/{other.pk}/rerun", headers=auditor.headers
    )
    assert response.status_code in (403, 404)
    assert ImportJob.objects.get(pk=other.pk).status == ImportStatus.FAILED


def test_cleanup_deletes_rosters_left_in_the_old_public_folder(
    personas, media, django_capture_on_commit_callbacks
):
    job = run(personas, xlsx([person(1)]), django_capture_on_commit_callbacks)
    legacy = media / "member_imports" / "2026" / "10" / "import.xlsx"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(xlsx([person(1)]))  # as the importer used to leave it, forever
    ImportJob.objects.filter(pk=job.pk).update(file="member_imports/2026/10/import.xlsx")
    out = io.StringIO()
    call_command("import_cleanup", stdout=out)
    assert "1 roster file(s) deleted" in out.getvalue()
    assert not legacy.exists() and not ImportJob.objects.get(pk=job.pk).file
