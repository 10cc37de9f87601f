import threading

import pytest
from django.db import connection

from gonghui.cases import defaults, services
from gonghui.cases.models import Case, CaseType, Holiday
from gonghui.core.testing.personas import build_personas
from gonghui.members.tests.factories import make_member


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_exactly_one_wins_and_the_timeline_has_no_gap():
    defaults.seed(CaseType, Holiday)
    personas = build_personas()
    member = make_member(personas.yancheng_project, phone="13800138000")
    case = services.case_submit(
        actor=personas.worker, member=member, case_type=CaseType.objects.get(code="other"),
        description="并发",
    )  # fmt: skip
    barrier = threading.Barrier(2)
    outcomes = []

    def act(officer, to_status):
        try:
            barrier.wait()
            services.case_transition(
                actor=officer, case=case, to_status=to_status, expected_version=1,
                reason="重复" if to_status == "rejected" else "",
            )  # fmt: skip
            outcomes.append(("ok", to_status))
        except services.Conflict as exc:
            outcomes.append(("conflict", exc.current_version))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(personas.yancheng_officer, "accepted")),
        threading.Thread(target=act, args=(personas.luohe_officer, "rejected")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"]
    assert ("conflict", 2) in outcomes
    case = Case.objects.get()
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert (case.status, case.version) == (winner, 2)
    assert list(case.events.values_list("version", flat=True)) == [1, 1, 2]
