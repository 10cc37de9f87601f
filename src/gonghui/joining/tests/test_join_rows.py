"""The one-statement join (PostgreSQL) sends each row as JSON made by a plan worked out once per
model (joining.rows._json_row): the JSON must be exactly what members.rows.json_row makes,
whose rows the set-wise import writes."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from gonghui.core import audit, context
from gonghui.core.models import AuditAction, AuditLog
from gonghui.joining import rows as join_rows
from gonghui.members import rows
from gonghui.members.choices import EventKind, JoinChannel
from gonghui.members.joining import new_member
from gonghui.members.models import Member, MemberEvent
from gonghui.members.rules import event_build
from gonghui.members.tests.factories import id_card, phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("home", [None, (28.15, 113.63)])
def test_rows_from_a_plan_equal_the_general_rows(personas, home):
    number = id_card()
    member = new_member(
        union=personas.xinwuling, number=number, number_hash="h" * 64, phone=phone(),
        channel=JoinChannel.ONLINE, approved=True, name="王小明", occupation_group="courier",
        work_place="浏阳市新屋岭社区", joined_on=dt.date(2026, 3, 1),
        **({"home_latitude": home[0], "home_longitude": home[1]} if home else {}),
    )  # fmt: skip
    member.fill_derived()
    event = event_build(member, EventKind.JOIN, actor=None, before="")
    entry = audit.build(
        actor=None, action=AuditAction.CREATE, instance=member,
        org_path=personas.xinwuling.path, changes=audit.created_changes(member),
    )  # fmt: skip
    now = timezone.now()
    for obj, model, skip in (
        (member, Member, ("member_number",)),
        (event, MemberEvent, ("member_id",)),
        (entry, AuditLog, ("object_id", "object_repr", "changes")),
    ):
        planned = join_rows._json_row(obj, join_rows._row_plan(model, skip), now)
        general = rows.json_row(obj, rows.model_columns(model, skip=skip), now)
        assert planned == general
        assert json.loads(planned)  # a JSON object with every column
    assert (
        json.loads(join_rows._json_row(member, join_rows._row_plan(Member, ()), now))["birth_date"]
        == member.birth_date.isoformat()
    )


def test_history_and_audit_rows_kept_per_union_equal_the_rows_they_stand_for(personas):
    """The history and audit rows of each online join are copied from ones built for its union
    and status: each copy must be the JSON of the row built for that join, in its request."""
    cases = (
        (personas.xinwuling, True, context.RequestContext("req-1", "10.0.0.1")),
        (personas.yancheng_project, False, context.RequestContext("req-2", "2001:db8::2")),
        (personas.xinwuling, False, context.RequestContext("req-3", None)),
        (personas.xinwuling, True, context.RequestContext()),
    )
    for union, approved, request in cases:
        member = new_member(
            union=union, number=id_card(), number_hash="h" * 64, phone=phone(),
            channel=JoinChannel.ONLINE, approved=approved, name="李四",
            occupation_group="courier", joined_on=dt.date(2026, 3, 1),
        )  # fmt: skip
        token = context.activate(request)
        try:
            now = timezone.now()
            event = event_build(member, EventKind.JOIN, actor=None, before="")
            event.created_at = now
            entry = audit.build(
                actor=None, action=AuditAction.CREATE, instance=member, org_path=union.path,
                changes={},
            )  # fmt: skip
            kept_event = join_rows.join_event_json(member, now)
            kept_entry = join_rows.join_audit_json(member, union.path, now)
        finally:
            context.deactivate(token)
        assert json.loads(kept_event) == json.loads(
            rows.json_row(event, rows.model_columns(MemberEvent, skip=join_rows.EVENT_SKIP), now)
        )
        assert json.loads(kept_entry) == json.loads(
            rows.json_row(entry, rows.model_columns(AuditLog, skip=join_rows.AUDIT_SKIP), now)
        )
