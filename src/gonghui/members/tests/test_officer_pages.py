"""Officer pages for what had only an API: editing a record (profile, employer), the worker's
own profile, moving all members of a union, search by member number."""

import pytest

from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises.tests.factories import enterprise
from gonghui.joining.services import worker_account_for_phone
from gonghui.members.choices import EventKind, MemberStatus
from gonghui.members.models import Member, MemberEvent
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

NO_SESSION = ("sessions.Session",)


def edit_data(member, **fields):
    data = {
        "name": member.name, "phone": member.phone, "occupation_group": member.occupation_group,
        "employer": "", "employer_name": member.employer_name, "work_place": "",
        "is_migrant_worker": "unknown",
    }  # fmt: skip
    data.update(fields)
    return data


def test_edit_page_renders_the_profile_and_employer_fields(client, personas):
    member = make_member(personas.yancheng_project)
    client.force_login(personas.yancheng_officer)
    body = client.get(f"/members/{member.pk}/edit/").content.decode()
    assert 'name="employer"' in body and 'name="education"' in body and member.name in body


def test_edit_page_links_the_employer_and_saves_the_profile(client, personas):
    member = make_member(personas.yancheng_project, employer_name="")
    firm = enterprise(personas.yancheng, name="郾城食品有限公司")
    client.force_login(personas.yancheng_officer)
    response = client.post(
        f"/members/{member.pk}/edit/",
        edit_data(member, employer=firm.credit_code, employer_name="", education="college",
                  ethnicity="汉族", is_migrant_worker="true"),
    )  # fmt: skip
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.employer == firm and member.employer_name == "郾城食品有限公司"
    assert member.education == "college" and member.is_migrant_worker is True
    assert AuditLog.objects.filter(object_id=str(member.pk), changes__has_key="employer").exists()


def test_edit_page_refuses_an_enterprise_outside_scope_and_writes_nothing(client, personas):
    member = make_member(personas.yancheng_project)
    elsewhere = enterprise(personas.liuyang)
    client.force_login(personas.yancheng_officer)
    with nothing_written(but=NO_SESSION):
        response = client.post(
            f"/members/{member.pk}/edit/",
            edit_data(member, employer=elsewhere.credit_code, phone="12345"),
        )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="employer"' in body and 'data-field="phone"' in body


def test_edit_page_outside_scope_is_404(client, personas):
    member = make_member(personas.xinwuling)
    client.force_login(personas.yancheng_officer)
    assert client.get(f"/members/{member.pk}/edit/").status_code == 404
    with nothing_written(but=NO_SESSION):
        assert client.post(f"/members/{member.pk}/edit/", edit_data(member)).status_code == 404


def test_worker_completes_own_profile_on_the_phone(client, personas):
    member = make_member(personas.xinwuling)
    worker = worker_account_for_phone(phone=member.phone, member=member)
    client.force_login(worker)
    page = client.get("/me/profile").content.decode()
    assert 'name="education"' in page and 'name="name"' not in page
    response = client.post(
        "/me/profile",
        {"education": "bachelor", "job_title": "分拣员", "is_migrant_worker": "false"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.education, member.job_title, member.is_migrant_worker) == (
        "bachelor", "分拣员", False,
    )  # fmt: skip
    assert AuditLog.objects.filter(object_id=str(member.pk), changes__has_key="job_title").exists()


def test_worker_profile_bad_input_is_a_field_error(client, personas):
    member = make_member(personas.xinwuling)
    client.force_login(worker_account_for_phone(phone=member.phone, member=member))
    with nothing_written(but=NO_SESSION):
        response = client.post(
            "/me/profile", {"emergency_contact_phone": "123", "hukou_region": "x"}
        )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="emergency_contact_phone"' in body and 'data-field="hukou_region"' in body


def test_worker_without_a_record_gets_404_on_profile(client, personas):
    client.force_login(personas.worker)
    with nothing_written(but=NO_SESSION):
        response = client.get("/me/profile")
        refused = client.post("/me/profile", {"education": "college"})
    assert response.status_code == 404 and 'name="education"' not in response.content.decode()
    assert refused.status_code == 404 and not Member.objects.exists()


def test_api_worker_updates_own_profile(api, personas):
    member = make_member(personas.xinwuling)
    worker = worker_account_for_phone(phone=member.phone, member=member)
    response = api(worker).patch("/api/me/member", {"skill_level": "senior"})
    assert response.status_code == 200
    assert Member.objects.get(pk=member.pk).skill_level == "senior"


def test_move_all_page_moves_every_member_with_history(client, personas):
    moving = [make_member(personas.yancheng_project) for _ in range(3)]
    client.force_login(personas.yancheng_officer)
    url = f"/members/unions/{personas.yancheng_project.pk}/move/"
    assert 'id="member-count">本工会现有 3 名会员' in client.get(url).content.decode()
    response = client.post(url, {"to_union": str(personas.yancheng.pk)})
    assert response.status_code == 302
    assert set(Member.objects.filter(union=personas.yancheng).values_list("pk", flat=True)) == {
        m.pk for m in moving
    }
    assert MemberEvent.objects.filter(kind=EventKind.TRANSFER_IN).count() == 3


def test_move_all_page_bad_target_is_a_field_error(client, personas):
    make_member(personas.yancheng_project)
    client.force_login(personas.yancheng_officer)
    url = f"/members/unions/{personas.yancheng_project.pk}/move/"
    with nothing_written(but=NO_SESSION):
        response = client.post(url, {"to_union": str(personas.xinwuling.pk)})
    assert response.status_code == 422 and 'data-field="to_union"' in response.content.decode()


def test_move_all_page_outside_scope_is_404(client, personas):
    client.force_login(personas.yancheng_officer)
    url = f"/members/unions/{personas.xinwuling.pk}/move/"
    assert client.get(url).status_code == 404
    with nothing_written(but=NO_SESSION):
        assert client.post(url, {"to_union": str(personas.liuyang.pk)}).status_code == 404


def test_member_list_finds_a_member_by_number(client, personas):
    wanted = make_member(personas.yancheng, name="要找的人")
    other = make_member(personas.yancheng, name="别的人")
    client.force_login(personas.yancheng_officer)
    body = client.get("/members/", {"q": wanted.member_number}).content.decode()
    assert "要找的人" in body and other.name not in body
    assert wanted.status == MemberStatus.ACTIVE
