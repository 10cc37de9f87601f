"""The real-name record's profile fields (全国工会会员实名制): optional, validated, audited."""

import pytest

from gonghui.core.models import AuditLog
from gonghui.members.models import Member
from gonghui.members.tests.factories import make_member

PROFILE = {
    "ethnicity": "汉族",
    "education": "senior",
    "employment_status": "employed",
    "skill_level": "intermediate",
    "hukou_type": "agricultural",
    "is_migrant_worker": True,
    "political_status": "masses",
    "job_title": "快递分拣员",
    "work_start_year": 2012,
    "hukou_region": "411103",
    "residence_region": "430181",
    "emergency_contact_name": "王芳",
    "emergency_contact_phone": "13912345678",
}


@pytest.mark.django_db
def test_officer_completes_the_profile_and_it_is_audited(personas, api):
    member = make_member(personas.yancheng_project)
    client = api(personas.luohe_officer)
    assert client.patch(f"/api/members/{member.pk}", PROFILE).status_code == 200
    detail = client.get(f"/api/members/{member.pk}").json()
    for field, value in PROFILE.items():
        assert detail[field] == value, field
    row = AuditLog.objects.filter(object_id=str(member.pk), action="update").latest("id")
    assert row.changes["hukou_type"] == ["", "agricultural"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("hukou_region", "991100"),
        ("work_start_year", 2099),
        ("emergency_contact_phone", "12345"),
        ("education", "phd-of-everything"),
    ],
)
@pytest.mark.django_db
def test_bad_profile_values_are_field_errors_and_nothing_is_written(personas, api, field, value):
    member = make_member(personas.yancheng_project)
    before = AuditLog.objects.count()
    response = api(personas.luohe_officer).patch(
        f"/api/members/{member.pk}", {"job_title": "分拣员", field: value}
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Member.objects.get(pk=member.pk).job_title == ""
    assert AuditLog.objects.count() == before


@pytest.mark.django_db
def test_profile_shows_on_the_officer_detail_page(personas, api, client):
    member = make_member(personas.yancheng_project)
    api(personas.luohe_officer).patch(f"/api/members/{member.pk}", PROFILE)
    client.force_login(personas.luohe_officer)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "快递分拣员" in page and "农业户口" in page
