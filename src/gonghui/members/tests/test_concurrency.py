import threading

import pytest
from django.db import connection

from gonghui.core.testing.personas import build_personas
from gonghui.members import services
from gonghui.members.models import Member

from .factories import id_card, phone


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory shared-cache test database answers 'table is locked' instead of waiting "
    "(busy_timeout applies to the file database only); runs on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_joins_of_one_person_make_one_member():
    personas = build_personas()
    number, mobile = id_card(), phone()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            result = services.member_join(
                actor=None, union=personas.xinwuling, name="并发", id_card=number, phone=mobile
            )
            results.append(result)
        except Exception as exc:  # recorded, asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Member.objects.count() == 1
    assert len({r.member.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
