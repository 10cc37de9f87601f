"""Join policy and two-level review of online joins: the union first, then the union above."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.accounts.services import user_create
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.core.testing.personas import PASSWORD
from gonghui.joining.services import worker_account_for_phone
from gonghui.members import review, services
from gonghui.members.choices import EventKind, JoinChannel, JoinReview, MemberStatus
from gonghui.members.models import Member, UnionJoinPolicy
from gonghui.members.tests.factories import id_card, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_officer(personas):
    return user_create(
        actor=SYSTEM, username="xinwuling_officer", password=PASSWORD,
        role="grassroots_officer", organization=personas.xinwuling,
    )  # fmt: skip


@pytest.fixture
def county_officer(personas):
    return user_create(
        actor=SYSTEM, username="liuyang_officer", password=PASSWORD, role="county_officer",
        organization=personas.liuyang,
    )  # fmt: skip


def online_applicant(union, **fields):
    data = {"name": "申请人", "id_card": id_card(union.region_code), "phone": phone()}
    data.update(fields)
    return services.member_join(actor=None, union=union, channel=JoinChannel.ONLINE, **data).member


@pytest.fixture
def two_level(personas):
    review.join_policy_update(actor=SYSTEM, union=personas.xinwuling, review=JoinReview.TWO_LEVEL)
    return online_applicant(personas.xinwuling)


def test_two_level_policy_keeps_an_online_join_waiting_for_the_unit_union(two_level):
    stage = review.application_stage(two_level)
    assert two_level.status == MemberStatus.APPLIED
    assert (stage.level, stage.levels, stage.reviewer) == (1, 2, two_level.union)


def test_first_pass_hands_the_application_to_the_union_above(
    two_level, unit_officer, county_officer, personas
):
    member = review.member_review_approve(actor=unit_officer, member=two_level, note="材料齐全")
    member.refresh_from_db()
    assert member.status == MemberStatus.APPLIED
    stage = review.application_stage(member)
    assert stage.level == 2 and stage.reviewer == personas.liuyang
    assert member.events.filter(kind=EventKind.FIRST_REVIEW, note="材料齐全").exists()
    assert AuditLog.objects.filter(object_id=str(member.pk), changes__has_key="review").exists()
    final = review.member_review_approve(actor=county_officer, member=member)
    assert final.status == MemberStatus.ACTIVE
    assert list(final.events.values_list("kind", flat=True)) == [
        EventKind.JOIN, EventKind.FIRST_REVIEW, EventKind.APPROVE,
    ]  # fmt: skip


def test_unit_officer_cannot_take_the_second_step(two_level, unit_officer):
    review.member_review_approve(actor=unit_officer, member=two_level)
    with nothing_written(), pytest.raises(ValidationError) as error:
        review.member_review_approve(actor=unit_officer, member=two_level)
    assert "上级工会复审" in str(error.value.message_dict["status"])


def test_the_same_officer_cannot_pass_both_steps(two_level, county_officer):
    review.member_review_approve(actor=county_officer, member=two_level)
    with nothing_written(), pytest.raises(ValidationError) as error:
        review.member_review_approve(actor=county_officer, member=two_level)
    assert "不同的工会干部" in str(error.value.message_dict["status"])


def test_refusal_needs_a_reason_and_the_worker_sees_it(two_level, unit_officer, county_officer):
    with nothing_written(), pytest.raises(ValidationError) as error:
        review.member_review_refuse(actor=unit_officer, member=two_level, reason="  ")
    assert "reason" in error.value.message_dict
    review.member_review_approve(actor=unit_officer, member=two_level)
    refused = review.member_review_refuse(
        actor=county_officer, member=two_level, reason="工作单位不在本县"
    )
    assert refused.status == MemberStatus.WITHDRAWN
    assert review.application_refusal(refused).note == "工作单位不在本县"


def test_one_level_review_approves_at_once(personas, unit_officer):
    review.join_policy_update(actor=SYSTEM, union=personas.xinwuling, review=JoinReview.REVIEW)
    member = online_applicant(personas.xinwuling)
    assert review.member_review_approve(actor=unit_officer, member=member).is_active


def test_policy_for_a_union_without_a_parent_cannot_be_two_level(personas):
    with nothing_written(), pytest.raises(ValidationError) as error:
        review.join_policy_update(
            actor=SYSTEM, union=personas.national, review=JoinReview.TWO_LEVEL
        )
    assert "review" in error.value.message_dict


def test_reviews_page_lists_what_the_officer_may_decide(client, two_level, county_officer):
    client.force_login(county_officer)
    body = client.get("/members/reviews/").content.decode()
    assert two_level.name in body and "等待基层工会初审" in body


def test_worker_sees_where_the_application_stands(client, two_level, unit_officer):
    worker = worker_account_for_phone(phone=two_level.phone, member=two_level)
    review.member_review_approve(actor=unit_officer, member=two_level)
    client.force_login(worker)
    body = client.get("/me/").content.decode()
    assert 'id="application-stage" data-stage="2"' in body
    assert "等待上级工会复审" in body and "浏阳市总工会" in body


def test_detail_page_refusal_without_reason_is_a_field_error(client, two_level, unit_officer):
    client.force_login(unit_officer)
    with nothing_written(but=("sessions.Session",)):
        response = client.post(f"/members/{two_level.pk}/", {"action": "reject", "reason": ""})
    assert response.status_code == 422
    assert 'data-field="reason"' in response.content.decode()


def test_detail_page_first_pass_writes_through_the_review(client, two_level, unit_officer):
    client.force_login(unit_officer)
    response = client.post(f"/members/{two_level.pk}/", {"action": "approve"})
    assert response.status_code == 302
    assert two_level.events.filter(kind=EventKind.FIRST_REVIEW).count() == 1


def test_api_reject_requires_a_reason(api, two_level, unit_officer):
    with nothing_written(but=("accounts.ApiToken",)):
        response = api(unit_officer).post(f"/api/members/{two_level.pk}/reject", {})
    assert response.status_code == 422 and "reason" in response.json()["errors"]


def test_api_sets_two_level_policy(api, personas):
    url = f"/api/unions/{personas.xinwuling.pk}/join-policy"
    response = api(personas.hunan_officer).request(
        "PUT", url, {"accepts_joins": True, "review": "two_level"}
    )
    assert response.status_code == 200 and response.json()["review"] == "two_level"
    policy = UnionJoinPolicy.objects.get(union=personas.xinwuling)
    assert policy.second_review and not policy.auto_approve


def test_join_policy_page_saves_and_outsider_gets_404(client, personas):
    url = f"/members/unions/{personas.xinwuling.pk}/join-policy/"
    client.force_login(personas.yancheng_officer)
    assert client.get(url).status_code == 404
    client.force_login(personas.hunan_officer)
    assert "两级审核" in client.get(url).content.decode()
    response = client.post(url, {"accepts_joins": "on", "review": "two_level"})
    assert response.status_code == 302
    assert UnionJoinPolicy.objects.get(union=personas.xinwuling).review == JoinReview.TWO_LEVEL


def test_join_policy_page_bad_input_is_a_field_error(client, personas):
    url = f"/members/unions/{personas.national.pk}/join-policy/"
    client.force_login(personas.superuser)
    with nothing_written(but=("sessions.Session",)):
        response = client.post(url, {"review": "two_level"})
    assert response.status_code == 422
    assert 'data-field="review"' in response.content.decode()
    assert not Member.objects.exists()


def test_detail_page_offers_the_decision_only_to_the_step_reviewer(
    client, two_level, unit_officer, county_officer
):
    review.member_review_approve(actor=unit_officer, member=two_level)
    client.force_login(unit_officer)
    page = client.get(f"/members/{two_level.pk}/").content.decode()
    assert 'data-stage="2"' in page and 'value="approve"' not in page
    client.force_login(county_officer)
    assert 'value="approve"' in client.get(f"/members/{two_level.pk}/").content.decode()


def test_no_service_approves_or_refuses_an_application_outside_its_review_steps():
    """The status change that ends a review is private to review.py: a caller that could
    approve directly would skip the union above under a two-level policy."""
    from gonghui.members import services

    assert not hasattr(services, "member_approve") and not hasattr(services, "member_reject")
