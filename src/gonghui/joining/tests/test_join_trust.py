"""The public join trusts a code for one phone and one join, and tells a stranger nothing."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.core.testing.personas import build_personas
from gonghui.joining import sms
from gonghui.members import services
from gonghui.members.models import Member, MemberEvent, PhoneCode
from gonghui.members.tests.factories import id_card, make_member, phone

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def code_for(number, client=None):
    response = post(client or Client(), "/api/members/join/code", {"phone": number})
    assert response.status_code == 202, response.content
    return sms.last_code(number)


def join_body(union, **fields):
    data = {
        "name": "王小明",
        "id_card": id_card(),
        "phone": phone(),
        "occupation_group": "courier",
        "work_place": "浏阳市新屋岭社区",
        "union_id": union.pk,
    }
    data.update(fields)
    return data


def stranger_join(union, number):
    """A stranger who holds a code for their own phone and types someone else's ID number."""
    mobile = phone()
    body = join_body(union, name="冒名者", id_card=number, phone=mobile, code=code_for(mobile))
    return post(Client(), "/api/members/join", body)


# ---- Nothing is disclosed ---------------------------------------------------------------------


def test_join_with_a_members_id_number_answers_the_same_for_every_union(personas):
    member = make_member(personas.xinwuling, name="赵秀兰")
    number = services.crypto.decrypt_id(member.id_card_encrypted)
    own_union = stranger_join(personas.xinwuling, number)
    other_union = stranger_join(personas.yancheng_project, number)
    assert own_union.status_code == other_union.status_code == 409
    assert own_union.json() == other_union.json()
    text = own_union.content.decode()
    for secret in (member.name, member.member_number, personas.xinwuling.name, "token"):
        assert secret not in text
    assert "已有会籍" in own_union.json()["detail"]
    member.refresh_from_db()
    assert member.union == personas.xinwuling and member.account is None
    assert Member.objects.count() == 1


def test_stranger_cannot_reinstate_a_lapsed_member_into_another_union(personas):
    member = make_member(personas.xinwuling)
    services.member_set_status(actor=SYSTEM, member=member, status="lapsed")
    number = services.crypto.decrypt_id(member.id_card_encrypted)
    response = stranger_join(personas.yancheng_project, number)
    assert response.status_code == 409 and "token" not in response.content.decode()
    member.refresh_from_db()
    assert (member.status, member.union) == ("lapsed", personas.xinwuling)
    assert not MemberEvent.objects.filter(member=member, kind="reinstated").exists()


def test_join_page_tells_a_stranger_nothing_about_the_member(client, personas):
    member = make_member(personas.yancheng_project, name="赵秀兰")
    number = services.crypto.decrypt_id(member.id_card_encrypted)
    data = {
        "name": "冒名者", "id_card": number, "phone": phone(), "occupation_group": "carer",
        "employer_name": "", "work_place": "郾城区康养产业园",
    }  # fmt: skip
    client.get("/join")
    client.post("/join", {**data, "step": "details"})
    code = sms.last_code(data["phone"])
    with nothing_written(but=("members.PhoneCode", "members.MemberNumberCounter")):
        page = client.post(
            "/join",
            {**data, "step": "confirm", "union_id": personas.yancheng_project.pk, "code": code},
        )
    body = page.content.decode()
    assert page.status_code == 422 and "data-already-member" in body
    assert "已有会籍" in body
    assert "您已是" not in body and member.member_number not in body and "赵秀兰" not in body
    assert "_auth_user_id" not in client.session


def test_worker_whose_phone_is_on_record_gets_own_card(personas):
    mobile = phone()
    member = make_member(personas.xinwuling, phone=mobile)
    number = services.crypto.decrypt_id(member.id_card_encrypted)
    body = join_body(personas.yancheng_project, id_card=number, phone=mobile, code=code_for(mobile))
    response = post(Client(), "/api/members/join", body)
    assert response.status_code == 200
    assert response.json()["member_id"] == member.pk and response.json()["card"]["token"]
    member.refresh_from_db()
    assert member.union == personas.xinwuling


# ---- One code, one phone, one join --------------------------------------------------------------


def test_one_code_enrols_one_person_only(personas):
    mobile = phone()
    code = code_for(mobile)
    answers = [
        post(Client(), "/api/members/join", join_body(personas.xinwuling, phone=mobile, code=code))
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 422, 422]
    assert "code" in answers[1].json()["errors"] and "code" in answers[2].json()["errors"]
    assert Member.objects.count() == 1


def test_double_submitted_join_answers_with_the_same_member(personas):
    body = join_body(personas.xinwuling)
    body["code"] = code_for(body["phone"])
    first = post(Client(), "/api/members/join", body)
    again = post(Client(), "/api/members/join", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["member_id"] == first.json()["member_id"] and again.json()["card"]
    assert Member.objects.count() == 1


def test_double_submitted_refusal_is_the_same_refusal(personas):
    member = make_member(personas.xinwuling)
    number = services.crypto.decrypt_id(member.id_card_encrypted)
    mobile = phone()
    body = join_body(personas.xinwuling, id_card=number, phone=mobile, code=code_for(mobile))
    first = post(Client(), "/api/members/join", body)
    again = post(Client(), "/api/members/join", body)
    assert first.status_code == again.status_code == 409
    assert first.json() == again.json()


def test_a_code_is_bound_to_the_phone_it_was_sent_to(personas):
    code = code_for(phone())
    response = post(
        Client(), "/api/members/join", join_body(personas.xinwuling, phone=phone(), code=code)
    )
    assert response.status_code == 422 and "code" in response.json()["errors"]
    assert not Member.objects.exists()


def test_refusal_for_an_existing_id_number_spends_the_code(personas):
    member = make_member(personas.xinwuling)
    number = services.crypto.decrypt_id(member.id_card_encrypted)
    mobile = phone()
    code = code_for(mobile)
    first = join_body(personas.xinwuling, id_card=number, phone=mobile, code=code)
    assert post(Client(), "/api/members/join", first).status_code == 409
    # The same code cannot probe another number, nor enrol anyone.
    second = join_body(personas.xinwuling, phone=mobile, code=code)
    response = post(Client(), "/api/members/join", second)
    assert response.status_code == 422 and "code" in response.json()["errors"]
    assert Member.objects.count() == 1


def test_join_refused_for_a_field_keeps_the_code_for_the_corrected_join(personas):
    from gonghui.members.models import UnionJoinPolicy

    UnionJoinPolicy.objects.create(union=personas.yancheng_project, accepts_joins=False)
    mobile = phone()
    code = code_for(mobile)
    closed = join_body(personas.yancheng_project, phone=mobile, code=code)
    assert post(Client(), "/api/members/join", closed).status_code == 422
    assert PhoneCode.objects.get(phone=mobile).used_at is None
    corrected = {**closed, "union_id": personas.xinwuling.pk}
    assert post(Client(), "/api/members/join", corrected).status_code == 201
    assert PhoneCode.objects.get(phone=mobile).used_at is not None


def test_sign_in_code_is_spent_by_one_sign_in(client, personas):
    member = make_member(personas.xinwuling)
    client.post("/me/login", {"phone": member.phone})
    code = sms.last_code(member.phone)
    assert client.post("/me/login", {"phone": member.phone, "code": code}).status_code == 302
    with nothing_written():
        again = Client().post("/me/login", {"phone": member.phone, "code": code})
    assert again.status_code == 422 and "_auth_user_id" not in again.wsgi_request.session
    assert 'data-field="code"' in again.content.decode() or "验证码" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_one_code_in_parallel_joins_enrols_one_person():
    personas = build_personas()
    mobile = phone()
    code = code_for(mobile)
    barrier = threading.Barrier(4)
    statuses = []

    def joiner():
        try:
            barrier.wait()
            body = join_body(personas.xinwuling, phone=mobile, code=code)
            statuses.append(post(Client(), "/api/members/join", body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=joiner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 422, 422, 422]
    assert Member.objects.count() == 1
