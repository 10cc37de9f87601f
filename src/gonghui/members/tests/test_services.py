import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import override_settings
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import mask_id_card
from gonghui.members import crypto, review, services
from gonghui.members.choices import EventKind, MemberStatus, TransferStatus
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import Member, MemberEvent, UnionJoinPolicy

from .factories import id_card, make_member, phone

pytestmark = pytest.mark.django_db


def join(union, **fields):
    data = {"name": "张三", "id_card": id_card(), "phone": phone(), "occupation_group": "courier"}
    data.update(fields)
    return services.member_join(actor=None, union=union, **data)


def test_join_stores_id_encrypted_hashed_and_masked_only(personas):
    number = id_card()
    member = join(personas.xinwuling, id_card=number).member
    member.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member WHERE id = %s", [member.pk])
        row_text = " ".join(str(value) for value in cursor.fetchone())
    assert number not in row_text
    assert member.id_card_masked == mask_id_card(number)
    assert crypto.decrypt_id(member.id_card_encrypted) == number
    assert member.id_card_hash == crypto.id_hash(number)


def test_join_derives_gender_and_birth_date_from_id(personas):
    number = synthetic_id_card("430181", datetime.date(1988, 2, 29), 12, female=True)
    member = join(personas.xinwuling, id_card=number).member
    assert member.birth_date == datetime.date(1988, 2, 29)
    assert member.gender == "F"


def test_join_twice_returns_the_same_member(personas):
    number, mobile = id_card(), phone()
    first = join(personas.xinwuling, id_card=number, phone=mobile)
    second = join(personas.xinwuling, id_card=number.lower(), phone=mobile)
    assert first.created and not second.created
    assert first.member.pk == second.member.pk
    assert Member.objects.count() == 1


def test_officer_enrolling_a_member_elsewhere_is_told_that_union(personas):
    number = id_card()
    join(personas.xinwuling, id_card=number)
    with pytest.raises(ValidationError) as error:
        services.member_enrol(
            actor=personas.yancheng_officer, union=personas.yancheng_project, name="张三",
            id_card=number, phone=phone(), occupation_group="courier",
        )  # fmt: skip
    assert "新屋岭社区工会联合会" in str(error.value.message_dict["id_card"])
    assert Member.objects.count() == 1


def test_join_refuses_invalid_checksum(personas):
    number = id_card()
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        join(personas.xinwuling, id_card=bad)
    assert "id_card" in error.value.message_dict
    assert not Member.objects.exists()


def test_join_refuses_under_sixteen(personas):
    today = timezone.localdate()
    young = synthetic_id_card("430181", today.replace(year=today.year - 15), 3)
    with pytest.raises(ValidationError) as error:
        join(personas.xinwuling, id_card=young)
    assert "16" in str(error.value.message_dict["id_card"])


def test_join_refuses_bad_phone(personas):
    with pytest.raises(ValidationError) as error:
        join(personas.xinwuling, phone="12345")
    assert "phone" in error.value.message_dict


def test_join_refused_by_union_that_does_not_accept_joins(personas):
    UnionJoinPolicy.objects.create(union=personas.xinwuling, accepts_joins=False)
    with pytest.raises(ValidationError) as error:
        join(personas.xinwuling)
    assert "union_id" in error.value.message_dict
    assert not Member.objects.exists()


def test_join_waits_for_approval_when_union_asks_for_it(personas):
    UnionJoinPolicy.objects.create(union=personas.xinwuling, auto_approve=False)
    member = join(personas.xinwuling).member
    assert member.status == MemberStatus.APPLIED
    review.member_review_approve(actor=personas.hunan_officer, member=member)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    kinds = list(member.events.values_list("kind", flat=True))
    assert kinds == [EventKind.JOIN, EventKind.APPROVE]


def test_join_writes_history_and_audit(personas):
    member = join(personas.xinwuling).member
    event = member.events.get()
    assert event.kind == EventKind.JOIN and event.status_after == MemberStatus.ACTIVE
    entry = AuditLog.objects.get(object_id=str(member.pk), content_type__model="member")
    assert entry.org_path == personas.xinwuling.path
    assert "id_card_encrypted" not in entry.changes and "id_card_hash" not in entry.changes


def test_member_numbers_are_unique_and_kept(personas):
    a = join(personas.xinwuling).member
    b = join(personas.xinwuling).member
    assert a.member_number != b.member_number
    assert a.member_number.startswith(personas.xinwuling.region_code)


def test_officer_cannot_enrol_outside_scope(personas):
    with pytest.raises(Http404):
        services.member_enrol(
            actor=personas.luohe_officer,
            union=personas.xinwuling,
            name="李四",
            id_card=id_card(),
            phone=phone(),
        )
    assert not Member.objects.exists()


def test_officer_enrols_active_member(personas):
    member = services.member_enrol(
        actor=personas.hunan_officer,
        union=personas.xinwuling,
        name="李四",
        id_card=id_card(),
        phone=phone(),
    )
    assert member.status == MemberStatus.ACTIVE and member.channel == "officer"


def test_transfer_keeps_one_member_record_and_number(personas):
    member = make_member(personas.yancheng_project)
    transfer = services.member_transfer_request(
        actor=personas.yancheng_officer, member=member, to_union=personas.xinwuling,
        reason="employer_change",
    )  # fmt: skip
    moved = services.member_transfer_accept(actor=personas.hunan_officer, transfer=transfer)
    assert moved.pk == member.pk and moved.member_number == member.member_number
    assert moved.union == personas.xinwuling
    assert Member.objects.count() == 1
    kinds = list(moved.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.JOIN,
        EventKind.TRANSFER_REQUEST,
        EventKind.TRANSFER_OUT,
        EventKind.TRANSFER_IN,
    ]
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED


def test_transfer_accept_by_releasing_side_is_refused(personas):
    member = make_member(personas.yancheng_project)
    transfer = services.member_transfer_request(
        actor=personas.yancheng_officer, member=member, to_union=personas.xinwuling
    )
    with pytest.raises(Http404):
        services.member_transfer_accept(actor=personas.luohe_officer, transfer=transfer)
    member.refresh_from_db()
    assert member.union == personas.yancheng_project


def test_transfer_refused_leaves_member_where_they_are(personas):
    member = make_member(personas.yancheng_project)
    transfer = services.member_transfer_request(
        actor=personas.yancheng_officer, member=member, to_union=personas.xinwuling
    )
    services.member_transfer_refuse(actor=personas.hunan_officer, transfer=transfer, note="不符")
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.union == personas.yancheng_project
    assert transfer.status == TransferStatus.REFUSED


def test_transfer_request_out_of_scope_is_404(personas):
    member = make_member(personas.xinwuling)
    with pytest.raises(Http404):
        services.member_transfer_request(
            actor=personas.luohe_officer, member=member, to_union=personas.yancheng_project
        )
    assert not member.transfers.exists()


def test_lapse_revokes_card_and_records_event(personas):
    member = make_member(personas.xinwuling)
    version = member.card_version
    services.member_set_status(
        actor=personas.hunan_officer, member=member, status="lapsed", reason="unemployed"
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.LAPSED and member.card_version == version + 1
    assert member.events.last().kind == EventKind.LAPSED


def test_removal_is_withdrawal_with_expelled_reason(personas):
    member = make_member(personas.xinwuling)
    services.member_set_status(
        actor=personas.hunan_officer, member=member, status="withdrawn", reason="expelled"
    )
    assert member.events.last().kind == EventKind.REMOVED


def test_withdrawn_member_rejoins_same_record(personas):
    number, mobile = id_card(), phone()
    member = join(personas.xinwuling, id_card=number, phone=mobile).member
    services.member_set_status(
        actor=SYSTEM, member=member, status="withdrawn", reason="own_request"
    )
    again = join(personas.yancheng_project, id_card=number, phone=mobile)
    assert again.member.pk == member.pk and not again.created
    assert again.member.union == personas.yancheng_project
    assert again.member.status == MemberStatus.ACTIVE


def test_dissolving_project_moves_all_members_in_one_operation(personas):
    members = [make_member(personas.yancheng_project) for _ in range(3)]
    moved = services.members_move_all(
        actor=personas.luohe_officer, from_union=personas.yancheng_project,
        to_union=personas.yancheng,
    )  # fmt: skip
    assert moved == 3
    assert Member.objects.filter(union=personas.yancheng).count() == 3
    assert MemberEvent.objects.filter(kind=EventKind.TRANSFER_IN).count() == 3
    assert AuditLog.objects.filter(action="move", object_id=str(members[0].pk)).exists()


def test_retained_after_bankruptcy_moves_to_higher_union(personas):
    member = make_member(personas.yancheng_project)
    services.member_retain(
        actor=personas.yancheng_officer, member=member, reason="employer_bankrupt"
    )
    member.refresh_from_db()
    assert member.union == personas.yancheng and member.status == MemberStatus.ACTIVE


def test_id_key_rotation_reencrypts_and_keeps_lookups(personas):
    old = {"k1": "first-key-material-0123456789"}
    with override_settings(MEMBER_ID_KEYS=old, MEMBER_ID_ACTIVE_KEY="k1"):
        number = id_card()
        member = join(personas.xinwuling, id_card=number, phone="13900001111").member
    rotated = {**old, "k2": "second-key-material-9876543210"}
    with override_settings(MEMBER_ID_KEYS=rotated, MEMBER_ID_ACTIVE_KEY="k2"):
        assert services.member_reencrypt_ids() == 1
        member.refresh_from_db()
        assert member.id_card_encrypted.startswith("k2:")
        assert crypto.decrypt_id(member.id_card_encrypted) == number
        again = join(personas.xinwuling, id_card=number, phone="13900001111")
        assert again.member.pk == member.pk


def test_viewing_full_id_is_audited_and_scoped(personas):
    number = id_card()
    member = join(personas.xinwuling, id_card=number).member
    with pytest.raises(Http404):
        services.member_id_card(actor=personas.luohe_officer, member=member)
    assert services.member_id_card(actor=personas.hunan_officer, member=member) == number
    assert AuditLog.objects.filter(object_id=str(member.pk), action="reveal_id").count() == 1
