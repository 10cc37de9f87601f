"""The worker's own pages: the join page, signing in by phone, their own membership."""

import pytest

from gonghui.core.testing.asserts import nothing_written
from gonghui.joining import services, sms
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, make_member, phone

pytestmark = pytest.mark.django_db


def details(**fields):
    data = {
        "name": "陈师傅",
        "id_card": id_card(),
        "phone": phone(),
        "occupation_group": "carer",
        "employer_name": "",
        "work_place": "郾城区康养产业园",
    }
    data.update(fields)
    return data


def test_join_page_renders_for_phone(client):
    response = client.get("/join")
    assert response.status_code == 200
    assert 'name="id_card"' in response.content.decode()


def test_join_page_flow_signs_worker_in_and_shows_card(client, personas):
    data = details()
    step2 = client.post("/join", {**data, "step": "details"})
    assert step2.status_code == 200
    assert personas.yancheng_project.name in step2.content.decode()
    code = sms.last_code(data["phone"])
    done = client.post(
        "/join",
        {**data, "step": "confirm", "union_id": personas.yancheng_project.pk, "code": code},
    )
    assert done.status_code == 302 and done["Location"] == "/me/"
    page = client.get("/me/").content.decode()
    member = Member.objects.get()
    assert member.account is not None and member.account.phone == data["phone"]
    assert member.member_number in page and "data-card-token" in page
    assert data["id_card"] not in page


def test_join_page_shows_field_errors_and_writes_nothing(client, personas):
    number = id_card()
    response = client.post(
        "/join", {**details(id_card=number[:17] + "Y", phone="123"), "step": "details"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="id_card"' in body and 'data-field="phone"' in body
    assert not Member.objects.exists()


def test_join_confirm_with_wrong_code_is_field_error(client, personas):
    data = details()
    client.post("/join", {**data, "step": "details"})
    real = sms.last_code(data["phone"])
    response = client.post(
        "/join",
        {**data, "step": "confirm", "union_id": personas.yancheng_project.pk,
         "code": "000000" if real != "000000" else "111111"},
    )  # fmt: skip
    assert response.status_code == 422 and 'data-field="code"' in response.content.decode()
    assert not Member.objects.exists()


def test_worker_signs_in_with_phone_code(client, personas):
    member = make_member(personas.xinwuling)
    client.post("/me/login", {"phone": member.phone})
    code = sms.last_code(member.phone)
    response = client.post("/me/login", {"phone": member.phone, "code": code})
    assert response.status_code == 302
    assert member.member_number in client.get("/me/").content.decode()
    # A sign-in code works once.
    client.logout()
    with nothing_written():
        again = client.post("/me/login", {"phone": member.phone, "code": code})
    assert again.status_code == 422 and 'data-field="code"' in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_worker_requests_transfer_from_own_page(client, personas):
    member = make_member(personas.yancheng_project)
    user = services.worker_account_for_phone(phone=member.phone, member=member)
    client.force_login(user)
    response = client.post("/me/", {"to_union": personas.xinwuling.pk, "reason": "employer_change"})
    assert response.status_code == 302
    transfer = member.transfers.get()
    assert transfer.to_union == personas.xinwuling and transfer.requested_by == user
