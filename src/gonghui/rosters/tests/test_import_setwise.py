"""On PostgreSQL an import writes each new member's history and audit rows set-wise, in the
statement that inserts the members: the rows are the ones the per-object path would build,
whether a value is the same for the whole batch (written once) or differs row to row (built by
the database), NULL in some rows or not."""

import pytest
from django.db import connection

from gonghui.core import audit
from gonghui.core.models import AuditLog
from gonghui.members.models import Member, MemberEvent

from .test_import import HEADERS, good_row, run, workbook

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the set-wise path is PostgreSQL's"
    ),
]


def test_imported_rows_have_the_audit_and_history_rows_the_per_object_path_builds(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    headers = [*HEADERS, "民族", "是否农民工", "参加工作年份", "紧急联系人", "紧急联系人电话"]
    rows = [
        [*good_row(i), "汉族", ["是", "否", ""][i % 3], 1990 + i if i % 2 else "", "李四",
         "13912345678"]
        for i in range(30)
    ]  # fmt: skip
    rows[3][0] = "张三13800001111"  # a phone in the name: the log masks it
    rows[4][4] = "借用11010519491231002X号证"  # an ID number in the employer
    job = run(personas, workbook(rows, headers), capture=django_capture_on_commit_callbacks)
    assert job.created_count == 30
    one = run(personas, workbook([good_row(99)]), capture=django_capture_on_commit_callbacks)
    assert one.created_count == 1

    members = Member.objects.filter(union=personas.yancheng_project)
    assert members.count() == 31
    assert {m.is_migrant_worker for m in members} == {True, False, None}
    for member in members:
        entry = AuditLog.objects.get(content_type__model="member", object_id=str(member.pk))
        assert entry.changes == audit.mask_changes(Member, audit.diff({}, audit.snapshot(member)))
        assert entry.object_repr == audit.mask_text(str(member))[:255]
        assert (entry.action, entry.org_path) == ("create", personas.yancheng_project.path)
        assert entry.actor_id == personas.luohe_officer.pk
        event = MemberEvent.objects.get(member=member)
        assert (event.kind, event.status_after, event.union_id) == (
            "join", "active", personas.yancheng_project.pk,
        )  # fmt: skip
        assert event.actor_id == personas.luohe_officer.pk and "批量导入" in event.note
    assert "13912345678" not in str(AuditLog.objects.values_list("changes", flat=True))
    masked = AuditLog.objects.get(object_repr__startswith="张三")
    assert "13800001111" not in masked.object_repr
    assert "11010519491231002X" not in str(AuditLog.objects.values_list("changes", flat=True))
