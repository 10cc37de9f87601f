"""On PostgreSQL an import writes each new member's history and audit rows set-wise, in the
statement that inserts the members: the rows are the ones the per-object path would build."""

import pytest
from django.db import connection

from gonghui.core import audit
from gonghui.core.models import AuditLog
from gonghui.members.models import Member, MemberEvent

from .test_import import good_row, run, workbook

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
    rows = [good_row(i) for i in range(30)]
    rows[3][0] = "张三13800001111"  # a phone in the name: the log masks it
    rows[4][4] = "借用11010519491231002X号证"  # an ID number in the employer
    job = run(personas, workbook(rows), capture=django_capture_on_commit_callbacks)
    assert job.created_count == 30

    for member in Member.objects.filter(union=personas.yancheng_project):
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
    masked = AuditLog.objects.get(object_repr__startswith="张三")
    assert "13800001111" not in masked.object_repr
    assert "11010519491231002X" not in str(AuditLog.objects.values_list("changes", flat=True))
