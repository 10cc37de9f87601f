"""The online join of a new person as one statement (PostgreSQL) writes what the general path
writes: the same member columns, history row, audit row and figure deltas; and parallel joins
of one person still make one member."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gonghui.core.models import AuditLog, FigureDelta
from gonghui.core.testing.personas import build_personas
from gonghui.joining import services as joining
from gonghui.members import crypto
from gonghui.members.choices import JoinChannel
from gonghui.members.models import Member, MemberEvent, PhoneCode
from gonghui.members.tests.factories import id_card, phone
from gonghui.members.tests.test_concurrency import in_parallel

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement join is PostgreSQL's"
)

CODE = "135790"

# Columns that differ between two people by design (who they are, when, which row).
PERSONAL = {
    "id", "name", "id_card_encrypted", "id_card_hash", "id_card_masked", "phone", "gender",
    "birth_date", "member_number", "created_at", "updated_at", "search_text", "id_last4",
    "phone_last4", "object_id", "object_repr", "member", "member_id",
}  # fmt: skip


def give_code(mobile: str) -> None:
    PhoneCode.objects.create(
        phone=mobile,
        purpose="join",
        code_hash=crypto.code_hash(mobile, "join", CODE),
        expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )


def fields(union, number: str, mobile: str) -> dict:
    return {
        "name": "王小明",
        "id_card": number,
        "phone": mobile,
        "occupation_group": "courier",
        "work_place": "浏阳市新屋岭社区",
        "employer_name": "顺丰速运",
        "work_latitude": 28.1,
        "work_longitude": 113.6,
        "ethnicity": "汉族",
    }


def written(member: Member) -> dict:
    """Everything the join left about ``member``, without what differs per person."""

    def row(obj):
        return {
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if f.attname not in PERSONAL and f.name not in PERSONAL
        }

    entry = AuditLog.objects.get(object_id=str(member.pk), content_type__model="member")
    changes = {k: v for k, v in entry.changes.items() if k not in PERSONAL}
    return {
        "member": row(Member.objects.get(pk=member.pk)),
        "events": [row(e) for e in MemberEvent.objects.filter(member=member)],
        "audit": {**row(entry), "changes": changes, "keys": sorted(entry.changes)},
        "number_shape": (len(member.member_number), member.member_number[:6]),
        "repr": entry.object_repr == f"{member.name}（{member.member_number}）",
    }


def figure_rows() -> list:
    rows = FigureDelta.objects.order_by("org_path", "metric", "day", "delta")
    return list(rows.values_list("org_path", "metric", "day", "delta", "moved_from"))


@pytest.mark.django_db
def test_one_statement_join_writes_what_the_general_path_writes(personas):
    union = personas.xinwuling
    FigureDelta.objects.all().delete()
    general_phone = phone()
    general = joining.member_join(
        actor=None,
        union=union,
        channel=JoinChannel.ONLINE,
        **fields(union, id_card(), general_phone),
    ).member
    general_figures = figure_rows()
    FigureDelta.objects.all().delete()
    mobile = phone()
    give_code(mobile)
    data = fields(union, id_card(), mobile)
    with pytest.MonkeyPatch.context() as patch:
        # Prove the result came from the one statement: the general path is not reached.
        patch.setattr(joining, "member_join", None)
        result = joining.member_join_online(union=union, code=CODE, **data)
    assert result.created and result.member.pk
    assert figure_rows() == general_figures
    assert written(result.member) == written(general)
    assert PhoneCode.objects.get(phone=mobile).used_for == crypto.id_hash(data["id_card"])


@pytest.mark.django_db
def test_a_wrong_code_on_the_one_statement_path_writes_nothing_and_counts(personas):
    mobile = phone()
    give_code(mobile)
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditLog.objects.count())
    with pytest.raises(Exception) as refused:
        joining.member_join_online(
            union=personas.xinwuling, code="000000", **fields(personas.xinwuling, id_card(), mobile)
        )
    assert "code" in refused.value.message_dict
    after = (Member.objects.count(), MemberEvent.objects.count(), AuditLog.objects.count())
    assert after == before
    assert PhoneCode.objects.get(phone=mobile).attempts == 1


@pytest.mark.django_db
def test_a_resubmitted_join_answers_from_the_code_and_the_record_alone(
    personas, django_assert_num_queries
):
    """A double tap: the second submission finds the code spent by the first and answers with
    its record: the statement, one read of the code (in its transaction) and the record, and
    nothing written."""
    mobile = phone()
    give_code(mobile)
    data = fields(personas.xinwuling, id_card(), mobile)
    first = joining.member_join_online(union=personas.xinwuling, code=CODE, **data)
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditLog.objects.count())
    code = PhoneCode.objects.get(phone=mobile)
    # statement, SAVEPOINT + SELECT ... FOR UPDATE + RELEASE (inside the test's transaction), record
    with django_assert_num_queries(5):
        again = joining.member_join_online(union=personas.xinwuling, code=CODE, **data)
    assert (again.member.pk, again.created) == (first.member.pk, False)
    after = (Member.objects.count(), MemberEvent.objects.count(), AuditLog.objects.count())
    assert after == before
    assert PhoneCode.objects.get(phone=mobile).used_at == code.used_at


@pytest.mark.django_db(transaction=True)
def test_parallel_online_joins_of_one_person_make_one_member():
    personas = build_personas()
    number, mobile = id_card(), phone()
    give_code(mobile)
    data = fields(personas.xinwuling, number, mobile)
    results, errors = in_parallel(
        lambda: joining.member_join_online(union=personas.xinwuling, code=CODE, **data)
    )
    assert errors == []
    assert Member.objects.count() == 1
    assert {r.member.pk for r in results} == {Member.objects.get().pk}
    assert sum(r.created for r in results) == 1
    assert MemberEvent.objects.count() == 1
    assert AuditLog.objects.filter(content_type__model="member").count() == 1


@pytest.mark.django_db
def test_a_merged_record_never_comes_back_by_joining(personas):
    from gonghui.members.choices import MemberStatus
    from gonghui.members.tests.factories import make_member

    member = make_member(personas.xinwuling)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.MERGED)
    number = crypto.decrypt_id(member.id_card_encrypted)
    give_code(member.phone)
    with pytest.raises(Exception) as refused:
        joining.member_join_online(
            union=personas.xinwuling, code=CODE, **fields(personas.xinwuling, number, member.phone)
        )
    assert refused.value.message_dict["id_card"]
    assert Member.objects.get(pk=member.pk).status == MemberStatus.MERGED
    assert MemberEvent.objects.filter(member=member, kind="reinstated").count() == 0


@pytest.mark.django_db
def test_a_merged_record_cannot_be_reinstated(personas):
    from gonghui.members import services
    from gonghui.members.choices import MemberStatus
    from gonghui.members.tests.factories import make_member

    member = make_member(personas.xinwuling)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.MERGED)
    with pytest.raises(Exception) as refused:
        services.member_set_status(
            actor=personas.hunan_officer, member=member, status=MemberStatus.ACTIVE
        )
    assert "status" in refused.value.message_dict
    assert Member.objects.get(pk=member.pk).status == MemberStatus.MERGED


@pytest.mark.django_db
def test_the_one_statement_is_prepared_once_per_connection(personas):
    # PostgreSQL parses and plans it once per (pooled) connection; nothing else is prepared.
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(3):
        mobile = phone()
        give_code(mobile)
        result = joining.member_join_online(
            union=personas.xinwuling, code=CODE, **fields(personas.xinwuling, id_card(), mobile)
        )
        assert result.created
    statements = prepared()
    assert len(statements) == 1 and statements[0].startswith("WITH code AS")
    assert connection.connection.prepare_threshold is None  # Django's setting, given back
