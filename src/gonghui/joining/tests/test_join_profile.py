"""The real-name profile (民族, 学历, 户籍 …) can be given when joining, on the page and through
the API (the import's columns: members/tests/test_import_profile.py); each refuses what the
profile page refuses, with a field message, and writes nothing for that person."""

import pytest

from gonghui.joining import sms
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, phone

from .test_worker_views import details

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
