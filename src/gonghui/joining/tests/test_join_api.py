import json

import pytest

from gonghui.core.testing.asserts import nothing_written
from gonghui.joining import sms
from gonghui.members.models import Member, UnionJoinPolicy
from gonghui.members.tests.factories import id_card, phone
from gonghui.organizations.services import org_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def courier_union(personas):
    from gonghui.core.scoping import SYSTEM

    return org_create(
        actor=SYSTEM, parent=personas.xinwuling, name="新屋岭快递物流行业工会",
        level="grassroots", org_type="industry", region_code="430181",
    )  # fmt: skip


def payload(union, **fields):
    data = {
        "name": "王小明",
        "id_card": id_card(),
        "phone": phone(),
        "occupation_group": "courier",
        "employer_name": "",
        "work_place": "浏阳市新屋岭社区",
        "union_id": union.pk,
    }
    data.update(fields)
    return data


def send_code(api, number):
    response = api().post("/api/members/join/code", {"phone": number})
    assert response.status_code == 202
    return sms.last_code(number)


def test_propose_finds_industry_union_for_courier_at_place(api, courier_union):
    response = api().post(
        "/api/members/join/propose",
        {"occupation_group": "courier", "work_place": "浏阳市集里街道新屋岭社区"},
    )
    assert response.status_code == 200
    proposals = response.json()
    assert proposals[0]["id"] == courier_union.pk and proposals[0]["reason"] == "industry"
    assert any(p["reason"] == "regional" for p in proposals)


def test_propose_prefers_employer_union(api, personas, courier_union):
    response = api().post(
        "/api/members/join/propose",
        {"occupation_group": "carer", "employer_name": "康养产业园智慧养老项目", "work_place": ""},
    )
    assert response.json()[0] == {
        "id": personas.yancheng_project.pk, "name": personas.yancheng_project.name,
        "reason": "employer", "local": True, "distance_km": None, "auto_approve": True,
    }  # fmt: skip


def test_join_with_code_creates_active_member_and_card(api, courier_union):
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    response = api().post("/api/members/join", data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "active" and body["card"]["token"]
    assert body["id_card_masked"].startswith(data["id_card"][:4])
    assert data["id_card"] not in response.content.decode()
    verify = api().get("/api/cards/verify", token=body["card"]["token"])
    assert verify.json()["result"] == "valid"


def test_same_worker_joining_again_with_a_new_code_gets_own_card(api, courier_union):
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    first = api().post("/api/members/join", data)
    data["code"] = send_code(api, data["phone"])
    second = api().post("/api/members/join", data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["member_id"] == second.json()["member_id"]
    assert second.json()["card"]["token"]
    assert Member.objects.count() == 1


def test_join_with_wrong_code_writes_nothing(api, courier_union):
    data = payload(courier_union)
    real = send_code(api, data["phone"])
    data["code"] = "000000" if real != "000000" else "111111"
    response = api().post("/api/members/join", data)
    assert response.status_code == 422
    assert "code" in response.json()["errors"]
    assert not Member.objects.exists()


def test_join_without_any_code_is_expired_error(api, courier_union):
    data = payload(courier_union, code="123456")
    with nothing_written():
        response = api().post("/api/members/join", data)
    assert response.status_code == 422 and "code" in response.json()["errors"]


def test_code_locks_after_five_wrong_attempts(api, courier_union):
    data = payload(courier_union)
    real = send_code(api, data["phone"])
    wrong = "000000" if real != "000000" else "111111"
    for _ in range(5):
        api().post("/api/members/join", {**data, "code": wrong})
    response = api().post("/api/members/join", {**data, "code": real})
    assert response.status_code == 422 and "code" in response.json()["errors"]
    assert not Member.objects.exists()


def test_join_bad_id_checksum_is_field_error(api, courier_union):
    number = id_card()
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    data = payload(courier_union, id_card=bad, code="123456")
    with nothing_written():
        response = api().post("/api/members/join", data)
    assert response.status_code == 422 and "id_card" in response.json()["errors"]


def test_join_by_a_stranger_for_a_member_is_409_naming_no_one(api, personas, courier_union):
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    api().post("/api/members/join", data)
    stranger = {**data, "phone": phone(), "name": "李四"}
    stranger["code"] = send_code(api, stranger["phone"])
    # the stranger's code is spent; a member number is drawn before the duplicate is found
    with nothing_written(but=("members.PhoneCode", "members.MemberNumberCounter")):
        response = api().post("/api/members/join", stranger)
    assert response.status_code == 409
    assert list(Member.objects.values_list("name", flat=True)) == ["王小明"]
    body = response.json()
    assert body["sign_in_url"] == "/me/login"
    assert courier_union.name not in response.content.decode()
    assert "王小明" not in response.content.decode()


def test_join_union_not_accepting_is_refused(api, courier_union):
    UnionJoinPolicy.objects.create(union=courier_union, accepts_joins=False)
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    response = api().post("/api/members/join", data)
    assert response.status_code == 422 and "union_id" in response.json()["errors"]
    assert not Member.objects.exists()


def test_code_sending_is_limited_per_phone_with_retry_after(api):
    number = phone()
    for _ in range(5):
        assert api().post("/api/members/join/code", {"phone": number}).status_code == 202
    with nothing_written(but=("core.RateLimitCounter",)):
        response = api().post("/api/members/join/code", {"phone": number})
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    assert "频繁" in response.json()["detail"]
    assert [m.phone for m in sms.outbox].count(number) == 5


def test_join_is_in_openapi_schema(api):
    paths = api().get("/api/openapi.json").json()["paths"]
    assert "/api/members/join" in paths and "/api/cards/verify" in paths
    assert "/api/members/imports" in paths


def test_union_switches_to_officer_approval_through_api(api, personas, courier_union):
    url = f"/api/unions/{courier_union.pk}/join-policy"
    body = {"accepts_joins": True, "auto_approve": False}
    outsider = api(personas.luohe_officer)
    with nothing_written():
        refused = outsider.request("PUT", url, body)
    assert refused.status_code == 404 and "auto_approve" not in refused.json()
    response = api(personas.hunan_officer).request("PUT", url, body)
    assert response.status_code == 200 and response.json()["auto_approve"] is False
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    joined = api().post("/api/members/join", data).json()
    assert joined["status"] == "applied" and joined["card"] is None
    approved = api(personas.hunan_officer).post(f"/api/members/{joined['member_id']}/approve", {})
    assert approved.json()["status"] == "active"


@pytest.mark.parametrize("union_id", ["dissolved", "missing", 2**70])
def test_join_to_a_dissolved_missing_or_impossible_union_is_a_field_error(
    api, courier_union, union_id
):
    # The union is read with one hand-compiled query (members.rules.active_union): it must
    # answer what the ORM's active() answers, and an id past bigint is no row, not a 500.
    if union_id == "dissolved":
        courier_union.dissolved_on = courier_union.created_at.date()
        courier_union.save()
        union_id = courier_union.pk
    elif union_id == "missing":
        union_id = courier_union.pk + 1000
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    with nothing_written():
        response = api().post("/api/members/join", {**data, "union_id": union_id})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["union_id"]


@pytest.mark.parametrize("policy", [None, {"accepts_joins": True, "auto_approve": False}])
def test_join_reads_the_unions_policy_with_the_union(
    api, courier_union, django_assert_num_queries, policy
):
    if policy:
        UnionJoinPolicy.objects.create(union=courier_union, **policy)
    from gonghui.members.api import target_union

    with django_assert_num_queries(1):
        union = target_union(courier_union.pk, "union_id")
        auto = union.join_policy.auto_approve if policy else None
    assert union == courier_union and union.name == courier_union.name
    assert union.path == courier_union.path and union.region_code == "430181"
    assert auto is (False if policy else None)
    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    joined = api().post("/api/members/join", data).json()
    assert joined["status"] == ("applied" if policy else "active")
    assert joined["union"] == {"id": courier_union.pk, "name": courier_union.name}


@pytest.mark.parametrize("change", ["dissolved", "stops_taking_joins", "needs_review", "renamed"])
def test_a_union_changed_after_a_join_read_it_is_read_again(api, courier_union, change):
    # On PostgreSQL the join keeps the union it read (joining.services.union_for_join) and its
    # one statement checks the row: a changed union is never acted on as it was.
    first = payload(courier_union)
    first["code"] = send_code(api, first["phone"])
    assert api().post("/api/members/join", first).status_code == 201
    if change == "dissolved":
        courier_union.dissolved_on = courier_union.created_at.date()
        courier_union.save()
    elif change == "renamed":
        courier_union.name = "新屋岭快递物流行业联合工会"
        courier_union.save()
    else:
        UnionJoinPolicy.objects.create(
            union=courier_union,
            accepts_joins=change != "stops_taking_joins",
            auto_approve=False,
        )
    second = payload(courier_union)
    second["code"] = send_code(api, second["phone"])
    response = api().post("/api/members/join", second)
    body = response.json()
    if change in ("dissolved", "stops_taking_joins"):
        assert response.status_code == 422 and list(body["errors"]) == ["union_id"]
        assert Member.objects.count() == 1
    elif change == "needs_review":
        assert response.status_code == 201 and body["status"] == "applied"
    else:
        assert response.status_code == 201
        assert body["union"]["name"] == "新屋岭快递物流行业联合工会"


@pytest.mark.parametrize("approve", [True, False])
def test_join_answer_is_the_join_schema_exactly(api, courier_union, approve, recwarn):
    """The 201/200 body is built without validating it again: it still is what the JoinOut
    schema gives for the record, key for key and in the schema's order."""
    import json

    from django.urls import reverse

    from gonghui.joining.api import JoinOut

    if not approve:
        UnionJoinPolicy.objects.update_or_create(
            union=courier_union, defaults={"auto_approve": False}
        )
    data = payload(courier_union)
    for expected_status in (201, 200):
        data["code"] = send_code(api, data["phone"])
        response = api().post("/api/members/join", data)
        assert response.status_code == expected_status, response.json()
        member = Member.objects.select_related("union").get(pk=response.json()["member_id"])
        card = response.json()["card"]
        if approve:
            token = card["token"]
            assert card == {
                "token": token,
                "verify_url": "http://testserver" + reverse("joining:verify", args=[token]),
                "png_url": reverse("joining:card-png", args=[token]),
                "page_url": reverse("joining:card", args=[token]),
            }
        else:
            assert card is None
        schema = JoinOut.model_validate({
            "member_id": member.pk, "member_number": member.member_number, "name": member.name,
            "id_card_masked": member.id_card_masked, "union": member.union,
            "status": member.status, "joined_on": member.joined_on,
            "created": expected_status == 201, "card": card,
        })  # fmt: skip
        expected = json.dumps(schema.model_dump(mode="json"), ensure_ascii=False)
        assert json.dumps(response.json(), ensure_ascii=False) == expected
    assert not [w for w in recwarn if "serializ" in str(w.message).lower()]


def test_the_join_answer_is_exactly_the_documented_schema(api, courier_union):
    """The join renders its own answer (joining.api._join_answer): it must be what ninja would
    have sent for JoinOut, for a new member (201), the same worker again (200) and an applicant
    whose union approves joins by hand (no card yet)."""
    from gonghui.joining.api import JoinOut

    def as_documented(body):
        return json.loads(JoinOut.model_validate(body).model_dump_json())

    data = payload(courier_union)
    data["code"] = send_code(api, data["phone"])
    first = api().post("/api/members/join", data)
    data["code"] = send_code(api, data["phone"])
    again = api().post("/api/members/join", data)
    UnionJoinPolicy.objects.update_or_create(union=courier_union, defaults={"auto_approve": False})
    applicant = payload(courier_union)
    applicant["code"] = send_code(api, applicant["phone"])
    applied = api().post("/api/members/join", applicant)
    assert (first.status_code, again.status_code, applied.status_code) == (201, 200, 201)
    for response in (first, again, applied):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert body == as_documented(body)
        assert list(body) == list(JoinOut.model_fields)
    assert "王小明" in first.content.decode()  # readable Chinese, as every answer of the API
    assert applied.json()["status"] == "applied" and applied.json()["card"] is None
    assert (
        first.json()["joined_on"]
        == Member.objects.get(pk=first.json()["member_id"]).joined_on.isoformat()
    )
