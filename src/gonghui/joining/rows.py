"""The online join of a new person as one SQL statement (PostgreSQL): the phone's code checked
and spent, the member inserted ON CONFLICT on the ID hash, with its history, audit and figure
rows. The set-wise writes it builds on (numbers, columns, JSON rows) are ``members.rows``."""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from gonghui.core import audit, context
from gonghui.core.models import AuditAction, AuditLog, FigureDelta
from gonghui.members import rows
from gonghui.members.choices import EventKind
from gonghui.members.models import Member, MemberEvent, PhoneCode, UnionJoinPolicy
from gonghui.members.rules import event_build
from gonghui.organizations.models import Organization


@dataclass(frozen=True)
class CodeCheck:
    """The one-time code a join spends: the phone's latest for ``purpose``, with this hash,
    unexpired, unspent and not worn out."""

    phone: str
    purpose: str
    code_hash: str
    max_attempts: int
    used_for: str


class _PreparedCursor(psycopg.Cursor):
    """Server-side binding, the statement prepared once per connection: PostgreSQL parses and
    plans the join's statement once per pooled connection, not once per join, and the
    parameters travel apart from it instead of being quoted into its text in Python."""

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True, **kwargs)


# Django opens connections with prepare_threshold=None, which turns preparing off altogether,
# even when asked for: the join lifts it for its own statement only (no other query is ever
# prepared: Django's cursors bind on the client, and a threshold this high never triggers).
NEVER_BY_COUNT = 2**31 - 1


def _run_prepared(sql: str, params: list):
    """The first row of ``sql`` run as a prepared statement, through Django's cursor wrapper
    (query logging, error translation, execute wrappers) like any other query."""
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(_PreparedCursor(raw))
    threshold, raw.prepare_threshold = raw.prepare_threshold, NEVER_BY_COUNT
    try:
        with cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        raw.prepare_threshold = threshold


@functools.cache
def _join_sql() -> str:
    """Each row travels as one JSON parameter and is spread into its table's columns by
    jsonb_populate_record: a short statement with twenty parameters instead of some
    eighty, prepared once per connection (``_run_prepared``)."""
    codes = PhoneCode._meta.db_table
    members = Member._meta.db_table
    events = MemberEvent._meta.db_table
    audits = AuditLog._meta.db_table
    figures = FigureDelta._meta.db_table
    figure_columns = ", ".join(f.column for f in rows.model_columns(FigureDelta))
    unions = Organization._meta.db_table
    policies = UnionJoinPolicy._meta.db_table
    # A union without a policy row takes joins as the model's defaults say.
    accepts = "TRUE" if UnionJoinPolicy._meta.get_field("accepts_joins").default else "FALSE"
    approves = "TRUE" if UnionJoinPolicy._meta.get_field("auto_approve").default else "FALSE"
    return (
        # The code row, locked: a parallel join with the same code waits here, then sees it
        # spent (the conditions are checked again on the row it waited for).
        f"WITH code AS (SELECT id FROM {codes} WHERE id = (SELECT id FROM {codes} "
        "WHERE phone = %s AND purpose = %s ORDER BY created_at DESC, id DESC LIMIT 1) "
        "AND code_hash = %s AND expires_at > %s AND attempts < %s AND used_at IS NULL "
        # The union as the caller read it (maybe a while ago): still active, the same path,
        # region code and name, taking joins, approving them as the caller thought.
        f"AND EXISTS (SELECT 1 FROM {unions} o LEFT JOIN {policies} p ON p.union_id = o.id "
        "WHERE o.id = %s AND o.dissolved_on IS NULL AND o.path = %s AND o.region_code = %s "
        f"AND o.name = %s AND COALESCE(p.accepts_joins, {accepts}) "
        f"AND COALESCE(p.auto_approve, {approves}) = %s) "
        "FOR UPDATE), "
        f"m AS (INSERT INTO {members} SELECT r.* FROM code, jsonb_populate_record("
        f"NULL::{members}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{rows.id_sequence(Member)}'), 'member_number', %s || {rows.number_sql()})) r "
        "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, member_number), "
        # Spent only by a join that went in: a refused one leaves it for the general path.
        f"spent AS (UPDATE {codes} SET used_at = %s, used_for = %s "
        "WHERE id = (SELECT id FROM code) AND EXISTS (SELECT 1 FROM m)), "
        f"ev AS (INSERT INTO {events} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{events}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{rows.id_sequence(MemberEvent)}'), 'member_id', m.id)) r), "
        f"au AS (INSERT INTO {audits} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{audits}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{rows.id_sequence(AuditLog)}'), 'object_id', m.id::text, 'object_repr', "
        "left(%s || m.member_number || '）', 255), 'changes', %s::jsonb || jsonb_build_object("
        "'id', jsonb_build_array(NULL, m.id), "
        "'member_number', jsonb_build_array(NULL, m.member_number)))) r), "
        f"fd AS (INSERT INTO {figures} ({figure_columns}) SELECT {figure_columns} "
        f"FROM m, jsonb_populate_recordset(NULL::{figures}, %s::jsonb)) "
        "SELECT m.id, m.member_number FROM m"
    )


@dataclass(frozen=True)
class _RowPlan:
    """How ``rows.json_row`` turns one model's instance into its JSON, worked out once per
    process: the columns, one getter of all their attributes, and which positions are set to
    now, hold dates (ISO text) or decimals (text)."""

    columns: tuple[str, ...]
    values: Callable[[object], tuple]
    now_at: tuple[int, ...]
    dates_at: tuple[int, ...]
    decimals_at: tuple[int, ...]


@functools.cache
def _row_plan(model, skip: tuple[str, ...] = ()) -> _RowPlan:
    fields = rows.model_columns(model, skip=skip)
    getter = operator.attrgetter(*(f.attname for f in fields))

    def is_now(f):
        return bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))

    return _RowPlan(
        columns=tuple(f.column for f in fields),
        values=(lambda obj: (getter(obj),)) if len(fields) == 1 else getter,
        now_at=tuple(i for i, f in enumerate(fields) if is_now(f)),
        dates_at=tuple(
            i for i, f in enumerate(fields) if isinstance(f, models.DateField) or is_now(f)
        ),
        decimals_at=tuple(i for i, f in enumerate(fields) if isinstance(f, models.DecimalField)),
    )


def _row_values(obj, plan: _RowPlan, now) -> dict:
    """The row ``rows.json_row`` writes for ``obj``, as a dict of JSON values."""
    values = list(plan.values(obj))
    for i in plan.now_at:
        values[i] = now
    for i in plan.dates_at:
        if values[i] is not None:
            values[i] = values[i].isoformat()
    for i in plan.decimals_at:
        if values[i] is not None:
            values[i] = str(values[i])
    return dict(zip(plan.columns, values, strict=True))


def _json_row(obj, plan: _RowPlan, now) -> str:
    """``rows.json_row`` (the same JSON) from a plan worked out once."""
    return json.dumps(_row_values(obj, plan, now), ensure_ascii=False)


# The history and audit rows of online joins, by what sets them apart (the union and the status
# the record starts in; the union's path and the member's content type). Everything else in
# them is the same for every online join, or set per join: read-only, built from real rows the
# first time, then copied.
_EVENT_ROWS: dict[tuple[int, str], dict] = {}
_AUDIT_ROWS: dict[tuple[str, int], dict] = {}
ROWS_KEPT = 1000
EVENT_SKIP = ("member_id",)
AUDIT_SKIP = ("object_id", "object_repr", "changes")


def _copied_row(kept: dict, key, build: Callable[[], models.Model], skip, now, **per_join):
    """The JSON of the row ``build()`` makes, written at ``now``: built once per ``key`` (kept in
    ``kept``), then copied with its time and ``per_join`` set."""
    row = kept.get(key)
    if row is None:
        if len(kept) >= ROWS_KEPT:
            kept.clear()
        instance = build()
        row = kept[key] = _row_values(instance, _row_plan(type(instance), skip), now)
    return json.dumps({**row, "created_at": now.isoformat(), **per_join}, ensure_ascii=False)


def join_event_json(member: Member, now) -> str:
    """The JSON of ``event_build(member, EventKind.JOIN, actor=None, before="")`` written at
    ``now`` (the member's id is the statement's)."""
    return _copied_row(
        _EVENT_ROWS, (member.union_id, member.status),
        lambda: event_build(member, EventKind.JOIN, actor=None, before=""), EVENT_SKIP, now,
    )  # fmt: skip


def join_audit_json(member: Member, org_path: str, now) -> str:
    """The JSON of the audit row of an online join (``audit.build(actor=None, action=CREATE,
    ...)``) written at ``now`` in this request (the object's id, name and changes are the
    statement's). Keyed by the content type's id too: a table of content types rebuilt (a
    flush) numbers them anew, and Django's own cache of them is the one that follows."""
    request = context.current()
    return _copied_row(
        _AUDIT_ROWS, (org_path, ContentType.objects.get_for_model(Member).pk),
        lambda: audit.build(
            actor=None, action=AuditAction.CREATE, instance=member, org_path=org_path,
            changes={},
        ),
        AUDIT_SKIP, now, request_id=request.request_id, ip=request.ip,
    )  # fmt: skip


def member_join_statement(
    member: Member,
    *,
    code: CodeCheck,
    org_path: str,
    changes: dict,
    repr_prefix: str,
    figure_rows: list[tuple],
    auto_approve: bool,
) -> bool:
    """One statement (one round trip, its own transaction when none is open) that spends
    ``code`` and inserts ``member`` with its history row, its audit row (``changes`` masked,
    filed under ``org_path``; the id and number filled in by the database) and its figure
    deltas, or writes nothing: a code that does not check out, a record with the same ID hash,
    or a union that is no longer what ``member.union`` and ``auto_approve`` say (dissolved,
    moved, renamed, not taking joins, approving otherwise). Returns whether the member went in
    (pk and number set). PostgreSQL only."""
    member.fill_derived()
    now = timezone.now()
    union = member.union
    figures = [
        {"org_path": path, "metric": metric, "day": day.isoformat(), "delta": delta,
         "moved_from": ""}
        for path, metric, day, delta in figure_rows
    ]  # fmt: skip
    params = [
        code.phone, code.purpose, code.code_hash, now, code.max_attempts,
        union.pk, union.path, union.region_code, union.name, auto_approve,
        _json_row(member, _row_plan(Member, ("member_number",)), now),
        member.union.region_code,
        now, code.used_for,
        join_event_json(member, now),
        join_audit_json(member, org_path, now),
        repr_prefix, json.dumps(audit.mask_changes(Member, changes), ensure_ascii=False),
        json.dumps(figures),
    ]  # fmt: skip
    row = _run_prepared(_join_sql(), params)
    if row is None:
        return False
    rows.mark_saved(member, *row)
    return True
