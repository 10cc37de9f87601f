"""The real-name profile (民族, 学历, 户籍 …) can be given when joining, on the page and through
the API, and as columns of the import; each refuses what the profile page refuses, with a field
message, and writes nothing for that person."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from gonghui.members import importing, sms
from gonghui.members.models import Member

from .factories import id_card, phone
from .test_import import HEADERS, good_row, run, workbook
from .test_views import details

pytestmark = pytest.mark.django_db

PROFILE = {
    "ethnicity": "回族",
    "education": "college",
    "hukou_type": "agricultural",
    "is_migrant_worker": True,
    "work_start_year": 2012,
    "hukou_region": "411102",
    "emergency_contact_name": "陈大姐",
    "emergency_contact_phone": "13912345678",
}


def test_join_page_keeps_the_profile_through_both_steps(client, personas):
    data = {**details(), **PROFILE}
    step1 = client.get("/join").content.decode()
    assert 'id="join-profile"' in step1 and 'name="hukou_region"' in step1
    step2 = client.post("/join", {**data, "step": "details"})
    assert step2.status_code == 200
    # Carried to the second step as hidden fields, so the confirm posts them again.
    assert 'type="hidden" name="hukou_region" value="411102"' in step2.content.decode()
    code = sms.last_code(data["phone"])
    done = client.post(
        "/join",
        {**data, "step": "confirm", "union_id": personas.yancheng_project.pk, "code": code},
    )
    assert done.status_code == 302
    member = Member.objects.get()
    assert (member.ethnicity, member.education, member.hukou_type) == (
        "回族", "college", "agricultural",
    )  # fmt: skip
    assert member.is_migrant_worker is True and member.work_start_year == 2012
    assert member.emergency_contact_phone == "13912345678"


def test_join_page_bad_profile_value_is_a_field_error_in_the_open_section(client, personas):
    data = {**details(), "hukou_region": "4101AB", "emergency_contact_phone": "123"}
    response = client.post("/join", {**data, "step": "details"})
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="hukou_region"' in body and 'data-field="emergency_contact_phone"' in body
    assert 'id="join-profile" open' in body
    assert not Member.objects.exists()
    assert sms.last_code(data["phone"]) is None  # no code sent for a form with errors


def test_join_api_takes_the_profile(api, personas):
    number = phone()
    assert api().post("/api/members/join/code", {"phone": number}).status_code == 202
    data = {
        "name": "马师傅", "id_card": id_card(), "phone": number, "code": sms.last_code(number),
        "occupation_group": "carer", "work_place": "郾城区康养产业园",
        "union_id": personas.yancheng_project.pk, **PROFILE, "skill_level": None,
    }  # fmt: skip
    response = api().post("/api/members/join", data)
    assert response.status_code == 201, response.json()
    member = Member.objects.get(pk=response.json()["member_id"])
    assert member.ethnicity == "回族" and member.hukou_region == "411102"
    assert member.skill_level == "" and member.political_status == ""


def test_join_api_bad_profile_value_is_a_field_error_and_writes_nothing(api, personas):
    number = phone()
    api().post("/api/members/join/code", {"phone": number})
    data = {
        "name": "马师傅", "id_card": id_card(), "phone": number, "code": sms.last_code(number),
        "occupation_group": "carer", "work_place": "郾城区康养产业园",
        "union_id": personas.yancheng_project.pk, "hukou_region": "12345x",
    }  # fmt: skip
    response = api().post("/api/members/join", data)
    assert response.status_code == 422
    assert "hukou_region" in str(response.json())
    assert not Member.objects.exists()


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
