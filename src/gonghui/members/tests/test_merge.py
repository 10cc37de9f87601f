"""Suspected duplicate records and their merge: both histories kept, audited, scoped."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written
from gonghui.core.validators import mask_id_card
from gonghui.members import crypto, merge, selectors
from gonghui.members.choices import EventKind, MemberStatus
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, make_member, phone

pytestmark = pytest.mark.django_db


def as_old_15_digit(member: Member) -> str:
    """Rewrite a record's ID number to its old 15-digit form (legacy data); returns the 18."""
    number = crypto.decrypt_id(member.id_card_encrypted)
    old = number[:6] + number[8:17]
    Member.objects.filter(pk=member.pk).update(
        id_card_encrypted=crypto.encrypt_id(old), id_card_hash=crypto.id_hash(old),
        id_card_masked=mask_id_card(old),
    )  # fmt: skip
    return number


def test_id_card_18_restores_the_18_digit_form():
    number = id_card()
    assert selectors.id_card_18(number[:6] + number[8:17]) == number


def test_duplicates_found_by_phone_by_name_and_birth_and_by_15_digit_id(personas):
    shared_phone = phone()
    a = make_member(personas.yancheng_project, name="甲", phone=shared_phone)
    b = make_member(personas.yancheng, name="乙", phone=shared_phone)
    number = id_card("411103")
    c = make_member(personas.yancheng, name="丙", id_card=number)
    d = make_member(personas.yancheng, name="丙", id_card=id_card("411103"))
    old = make_member(personas.yancheng, name="丁", id_card=id_card("411103"))
    new_number = as_old_15_digit(old)
    Member.objects.filter(pk=old.pk).update(name="丁旧")
    new = make_member(personas.yancheng_project, name="丁", id_card=new_number)
    pairs = {
        (p.first.pk, p.second.pk): p.reasons
        for p in selectors.duplicate_pairs(user=personas.luohe_officer)
    }
    assert pairs[(a.pk, b.pk)] == ["手机号码相同"]
    assert pairs[(c.pk, d.pk)] == ["姓名和出生日期相同"]
    assert pairs[(old.pk, new.pk)] == ["15位与18位身份证号码对应"]
    assert selectors.duplicate_pairs(user=personas.hunan_officer) == []


def test_merge_keeps_both_histories_and_marks_the_dropped_record(personas):
    shared_phone = phone()
    keep = make_member(personas.yancheng, name="甲", phone=shared_phone)
    drop = make_member(personas.yancheng, name="甲二", phone=shared_phone)
    Member.objects.filter(pk=drop.pk).update(job_title="叉车工")
    drop.refresh_from_db()
    drop_events = set(drop.events.values_list("pk", flat=True))
    merged = merge.member_merge(actor=personas.yancheng_officer, keep=keep, drop=drop)
    drop.refresh_from_db()
    assert drop.status == MemberStatus.MERGED and drop.merged_into == merged
    assert drop_events <= set(merged.events.values_list("pk", flat=True))
    assert merged.events.filter(kind=EventKind.MERGED).exists()
    assert merged.job_title == "叉车工"
    entry = AuditLog.objects.filter(object_id=str(keep.pk), changes__has_key="merged_from").get()
    assert entry.changes["merged_from"] == [None, drop.member_number]


def test_merge_takes_the_18_digit_number_onto_the_kept_record(personas):
    old = make_member(personas.yancheng, name="丁")
    number = as_old_15_digit(old)
    new = make_member(personas.yancheng, name="丁", id_card=number)
    merge.member_merge(actor=personas.yancheng_officer, keep=Member.objects.get(pk=old.pk),
                       drop=new)  # fmt: skip
    old.refresh_from_db()
    assert crypto.decrypt_id(old.id_card_encrypted) == number and len(old.id_card_masked) == 18


def test_records_that_do_not_match_are_refused_and_nothing_written(personas):
    a = make_member(personas.yancheng, name="甲")
    b = make_member(personas.yancheng, name="乙")
    with nothing_written(), pytest.raises(ValidationError) as error:
        merge.member_merge(actor=personas.yancheng_officer, keep=a, drop=b)
    assert "drop_id" in error.value.message_dict


def test_records_in_two_scopes_need_the_common_ancestor(personas, client):
    from django.http import Http404

    shared_phone = phone()
    a = make_member(personas.yancheng, phone=shared_phone)
    b = make_member(personas.xinwuling, phone=shared_phone)
    with nothing_written(), pytest.raises(Http404):
        merge.member_merge(actor=personas.yancheng_officer, keep=a, drop=b)
    assert merge.common_ancestor_path(a.union.path, b.union.path) == personas.national.path
    merged = merge.member_merge(actor=personas.superuser, keep=a, drop=b)
    assert merged.pk == a.pk


def test_duplicates_page_merges_and_outsider_gets_404(client, personas):
    shared_phone = phone()
    a = make_member(personas.yancheng, name="甲", phone=shared_phone)
    b = make_member(personas.yancheng, name="甲甲", phone=shared_phone)
    client.force_login(personas.hunan_officer)
    assert f'data-pair="{a.pk}-{b.pk}"' not in client.get("/members/duplicates/").content.decode()
    with nothing_written(but=("sessions.Session",)):
        refused = client.post("/members/duplicates/", {"keep": a.pk, "drop": b.pk})
    assert refused.status_code == 404
    client.force_login(personas.yancheng_officer)
    body = client.get("/members/duplicates/").content.decode()
    assert f'data-pair="{a.pk}-{b.pk}"' in body and "手机号码相同" in body
    response = client.post("/members/duplicates/", {"keep": a.pk, "drop": b.pk})
    assert response.status_code == 302
    assert Member.objects.get(pk=b.pk).merged_into_id == a.pk


def test_duplicates_page_bad_merge_shows_the_error(client, personas):
    a = make_member(personas.yancheng, name="甲")
    b = make_member(personas.yancheng, name="乙")
    client.force_login(personas.yancheng_officer)
    with nothing_written(but=("sessions.Session",)):
        response = client.post("/members/duplicates/", {"keep": a.pk, "drop": b.pk})
    assert response.status_code == 422 and "不能合并" in response.content.decode()


def test_api_merge_and_duplicates(api, personas):
    shared_phone = phone()
    a = make_member(personas.yancheng, name="甲", phone=shared_phone)
    b = make_member(personas.yancheng, name="甲乙", phone=shared_phone)
    listed = api(personas.yancheng_officer).get("/api/members/duplicates").json()
    assert [(p["first"]["id"], p["second"]["id"]) for p in listed] == [(a.pk, b.pk)]
    response = api(personas.yancheng_officer).post(f"/api/members/{a.pk}/merge", {"drop_id": b.pk})
    assert response.status_code == 200 and response.json()["id"] == a.pk
    again = api(personas.yancheng_officer).post(f"/api/members/{a.pk}/merge", {"drop_id": b.pk})
    assert again.status_code == 422 and "drop_id" in again.json()["errors"]
