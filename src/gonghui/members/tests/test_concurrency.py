import threading

import pytest
from django.db import connection

from gonghui.core.testing.personas import build_personas
from gonghui.members import services
from gonghui.members.models import Member

from .factories import id_card, phone


def in_parallel(call, threads: int = 4) -> tuple[list, list]:
    """Run ``call`` in ``threads`` threads released together; (results, exceptions)."""
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # recorded, asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_parallel_joins_of_one_person_make_one_member():
    personas = build_personas()
    number, mobile = id_card(), phone()
    results, errors = in_parallel(
        lambda: services.member_join(
            actor=None, union=personas.xinwuling, name="并发", id_card=number, phone=mobile
        )
    )
    assert errors == []
    assert Member.objects.count() == 1
    assert len({r.member.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1


def _serial_last_value() -> int:
    from gonghui.members import rows

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {rows.sequence_name()}")
        value, called = cursor.fetchone()
    return value if called else value - 1


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="reads the PostgreSQL sequence that numbers members"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_enrolments_of_one_person_settle_on_the_id_hash_conflict():
    """Every call goes straight to the INSERT ... ON CONFLICT (no lookup first): one row lands,
    the others lose the conflict without an error and answer with that row; one history row,
    one audit row, one number (the losers' drawn serials are gaps, not duplicates)."""
    from gonghui.core.models import AuditAction, AuditLog
    from gonghui.members.models import MemberEvent

    personas = build_personas()
    number, mobile = id_card(), phone()
    before = _serial_last_value()
    threads_n = 6
    barrier = threading.Barrier(threads_n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(
                services.member_join(
                    actor=personas.yancheng_officer, union=personas.yancheng, name="并发登记",
                    id_card=number, phone=mobile, channel="officer",
                )
            )  # fmt: skip
        except Exception as exc:  # recorded, asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    member = Member.objects.get()
    assert {r.member.pk for r in results} == {member.pk}
    assert sum(r.created for r in results) == 1
    assert {r.member.member_number for r in results} == {member.member_number}
    # Each of the six drew a serial inside its INSERT: five lost the ID-hash conflict.
    assert _serial_last_value() - before == threads_n
    assert list(MemberEvent.objects.values_list("member_id", "kind")) == [(member.pk, "join")]
    audit_rows = AuditLog.objects.filter(
        content_type__model="member", object_id=str(member.pk), action=AuditAction.CREATE
    )
    assert audit_rows.count() == 1
