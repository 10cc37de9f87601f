import datetime

import pytest
from django.core.management import call_command

from gonghui.cases import notify, services
from gonghui.cases.models import Case, Notification
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def late_case(personas, types, yancheng_member):
    # Acknowledge within 1 working day: due Tuesday 24 November.
    return services.case_submit(
        actor=personas.worker, member=yancheng_member, case_type=types["wage_arrears"],
        description="欠薪", form_data={"employer": "某公司", "amount_owed": 800}, today=MONDAY,
    )  # fmt: skip


def test_case_past_its_deadline_moves_to_the_parent_union_and_everyone_hears(
    personas, late_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = services.case_escalate_overdue(today=datetime.date(2026, 11, 25))
    assert count == 1
    case = Case.objects.get(pk=late_case.pk)
    assert case.handling_union == personas.yancheng
    assert case.escalation_count == 1
    assert case.overdue_for == datetime.date(2026, 11, 24)
    assert case.due_on == datetime.date(2026, 11, 26)  # a fresh working day for the new union
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["overdue", "escalated"]
    assert Notification.objects.filter(user=personas.yancheng_officer, case=case).exists()
    assert Notification.objects.filter(user=personas.worker, case=case).count() == 2
    assert AuditLog.objects.filter(object_id=str(case.pk), action="move").exists()
    assert "13800138000" in [m.phone for m in notify.outbox]


def test_escalation_also_notifies_the_old_unions_officers(personas, late_case):
    from gonghui.accounts.services import user_create
    from gonghui.core.scoping import SYSTEM

    grassroots = user_create(
        actor=SYSTEM, username="project_officer", password=None,
        role="grassroots_officer", organization=personas.yancheng_project,
    )  # fmt: skip
    services.case_escalate_overdue(today=datetime.date(2026, 11, 25))
    assert Notification.objects.filter(user=grassroots, title__contains="上报").exists()


def test_running_the_sweep_twice_changes_nothing_more(personas, late_case):
    day = datetime.date(2026, 11, 25)
    assert services.case_escalate_overdue(today=day) == 1
    events = late_case.events.count()
    assert services.case_escalate_overdue(today=day) == 0
    assert late_case.events.count() == events
    assert Case.objects.get(pk=late_case.pk).handling_union == personas.yancheng


def test_case_not_yet_due_is_left_alone(personas, late_case):
    assert services.case_escalate_overdue(today=datetime.date(2026, 11, 24)) == 0
    assert Case.objects.get(pk=late_case.pk).handling_union == personas.yancheng_project


def test_accepted_case_escalates_on_its_resolve_deadline(personas, late_case):
    services.case_transition(
        actor=personas.yancheng_officer, case=late_case, to_status="accepted", expected_version=1
    )
    # Accepted: the acknowledgement deadline no longer matters; resolve is due 7 December.
    assert services.case_escalate_overdue(today=datetime.date(2026, 12, 1)) == 0
    assert services.case_escalate_overdue(today=datetime.date(2026, 12, 8)) == 1
    case = Case.objects.get(pk=late_case.pk)
    assert case.handling_union == personas.yancheng
    assert case.status == "accepted"


def test_management_command_escalates(personas, late_case, capsys):
    call_command("escalate_overdue_cases", "--today", "2026-11-25")
    assert "1 case(s)" in capsys.readouterr().out
    assert Case.objects.get(pk=late_case.pk).handling_union == personas.yancheng


def test_escalation_stops_at_the_root_and_marks_overdue_once(personas, types, hunan_member):
    case = services.case_submit(
        actor=personas.hunan_officer, member=hunan_member, case_type=types["petition"],
        description="信访", today=MONDAY,
    )  # fmt: skip
    day = datetime.date(2026, 12, 31)
    for week in range(6):
        services.case_escalate_overdue(today=day + datetime.timedelta(weeks=week))
    day += datetime.timedelta(weeks=5)
    case.refresh_from_db()
    assert case.handling_union == personas.national
    # Overdue at 浏阳, 长沙, 湖南 (each escalated), then once at the root, which has no parent.
    assert case.events.filter(kind="overdue").count() == 4
    assert services.case_escalate_overdue(today=day) == 0


def test_command_can_queue_the_sweep_as_a_task(personas, late_case, capsys):
    # The immediate backend (development, tests) runs a queued task at once.
    call_command("escalate_overdue_cases", "--today", "2026-11-25", "--enqueue")
    assert "queued" in capsys.readouterr().out
    assert Case.objects.get(pk=late_case.pk).handling_union == personas.yancheng
