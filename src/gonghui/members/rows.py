"""Set-wise writes of member rows: numbers from a sequence, one INSERT ... ON CONFLICT on the ID
hash, COPY on PostgreSQL. The services decide what to write; this module only writes it in as
few round trips as the database allows.

Member numbers are the union's region code and a national serial. On PostgreSQL the serial is a
sequence (``members_number_<scope>``, created by migration 0006), read inside the INSERT itself,
so a join takes no lock and no extra round trip; a row that loses its ON CONFLICT leaves a gap,
never a duplicate. SQLite has no sequences: one ``UPDATE ... RETURNING`` on the counter row hands
out a block (SQLite lets one writer at a time, so a value is never handed out twice).
"""

from __future__ import annotations

import datetime
import decimal
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, models

from .models import Member, MemberNumberCounter

NUMBER_SCOPE = "member"
SERIAL_DIGITS = 10


def sequence_name(scope: str = NUMBER_SCOPE) -> str:
    return f"members_number_{scope}"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def number_sql(scope: str = NUMBER_SCOPE) -> str:
    """SQL for one fresh serial, zero-padded, to append to a region code (PostgreSQL)."""
    return f"lpad(nextval('{sequence_name(scope)}')::text, {SERIAL_DIGITS}, '0')"


def allocate_serials(count: int, scope: str = NUMBER_SCOPE) -> list[int]:
    """``count`` serials never handed out before (in order)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                f"SELECT nextval('{sequence_name(scope)}') FROM generate_series(1, %s)", [count]
            )
            return sorted(row[0] for row in cursor.fetchall())
        table = MemberNumberCounter._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (name, value) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING",
            [scope],
        )
        cursor.execute(
            f"UPDATE {table} SET value = value + %s WHERE name = %s RETURNING value",
            [count, scope],
        )
        last = cursor.fetchone()[0]
    return list(range(last - count + 1, last + 1))


def format_number(region_code: str, serial: int) -> str:
    return f"{region_code}{serial:0{SERIAL_DIGITS}d}"


def _columns(model, skip: Iterable[str] = ()) -> list[models.Field]:
    skip = set(skip)
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField)) and f.attname not in skip
    ]


def _values(obj, fields: Sequence[models.Field]) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _copy_getters(fields: Sequence[models.Field]):
    """Per-field readers for COPY rows: the attribute as is (psycopg adapts it), one clock
    reading for auto_now fields, Jsonb for JSON. get_db_prep_save per cell costs more than
    the COPY itself."""
    from operator import attrgetter

    from django.utils import timezone
    from psycopg.types.json import Jsonb

    now = timezone.now()
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            getters.append(lambda obj, now=now: now)
        elif isinstance(f, models.JSONField):
            getters.append(lambda obj, name=f.attname: Jsonb(getattr(obj, name)))
        else:
            getters.append(attrgetter(f.attname))
    return getters


def _copy_rows(copy, objects, fields, *extra_columns) -> None:
    getters = _copy_getters(fields)
    for index, obj in enumerate(objects):
        row = [get(obj) for get in getters]
        if extra_columns:
            row.append(index)
        copy.write_row(row)


def member_insert(member: Member) -> bool:
    """Insert ``member`` unless a record with its ID hash exists: one statement (the number is
    drawn inside it on PostgreSQL). Returns whether it was inserted; sets pk and number."""
    member.fill_derived()
    table = Member._meta.db_table
    if is_postgres():
        fields = _columns(Member, skip=["member_number"])
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {table} ({names}, member_number) VALUES ({marks}, %s || {number_sql()}) "
            "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, member_number"
        )
        params = [*_values(member, fields), member.union.region_code]
    else:
        member.member_number = format_number(member.union.region_code, allocate_serials(1)[0])
        fields = _columns(Member)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {table} ({names}) VALUES ({marks}) "
            "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, member_number"
        )
        params = _values(member, fields)
    return _insert_one(member, sql, params)


def _insert_one(member: Member, sql: str, params: list) -> bool:
    """Run an INSERT that returns (id, member_number) or nothing; mark ``member`` saved."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    _mark_saved(member, *row)
    return True


def _mark_saved(member: Member, pk: int, number: str) -> None:
    member.pk, member.member_number = pk, number
    member._state.adding = False
    member._state.db = connection.alias


@dataclass(frozen=True)
class JoinRows:
    """What a bulk join writes with each new member on PostgreSQL, set-wise in the same
    statement: the history row ``event`` and the audit row ``entry`` (templates: the member's
    id, number, status and the audit changes are filled in by the database), except for the
    members whose ID hash is in ``by_caller`` (text that the audit log must mask: the caller
    writes theirs)."""

    event: models.Model
    entry: models.Model
    by_caller: frozenset[str]


def members_insert(
    members: list[Member], region_code: str, *, history: JoinRows | None = None
) -> list[Member]:
    """Insert every member whose ID hash is new, set-wise; returns those inserted (pk and
    number set). PostgreSQL: COPY into a staging table and one INSERT ... SELECT ... ON
    CONFLICT, with ``history`` the history and audit rows in the same statement; SQLite: a
    block of numbers and one executemany (``history`` is the caller's to write)."""
    if not members:
        return []
    for member in members:
        member.fill_derived()
    table = Member._meta.db_table
    by_hash = {m.id_card_hash: m for m in members}
    if is_postgres():
        fields = _columns(Member, skip=["member_number"])
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE member_stage ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            cursor.execute("ALTER TABLE member_stage ADD COLUMN ord integer")
            with cursor.copy(f"COPY member_stage ({names}, ord) FROM STDIN") as copy:
                _copy_rows(copy, members, fields, "ord")
            insert = (
                f"INSERT INTO {table} ({names}, member_number) "
                f"SELECT {names}, %s || {number_sql()} FROM member_stage ORDER BY ord "
                "ON CONFLICT (id_card_hash) DO NOTHING RETURNING *"
            )
            if history is None:
                cursor.execute(
                    f"WITH m AS ({insert}) SELECT id, id_card_hash, member_number FROM m",
                    [region_code],
                )
            else:
                cursor.execute(_bulk_join_sql(), [region_code, *_history_params(history)])
            returned = cursor.fetchall()
            cursor.execute("DROP TABLE member_stage")
    else:
        serials = allocate_serials(len(members))
        for member, serial in zip(members, serials, strict=True):
            member.member_number = format_number(region_code, serial)
        fields = _columns(Member)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) "
                "ON CONFLICT (id_card_hash) DO NOTHING",
                [_values(m, fields) for m in members],
            )
            hashes = list(by_hash)
            returned = []
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                cursor.execute(
                    f"SELECT id, id_card_hash, member_number FROM {table} "
                    f"WHERE id_card_hash IN ({', '.join(['%s'] * len(chunk))}) "
                    "AND member_number IN ("
                    f"{', '.join(['%s'] * len(chunk))})",
                    [*chunk, *(by_hash[h].member_number for h in chunk)],
                )
                returned.extend(cursor.fetchall())
    inserted = []
    for pk, digest, number in returned:
        member = by_hash[digest]
        _mark_saved(member, pk, number)
        inserted.append(member)
    return inserted


def _phone_mask_sql(column: str) -> str:
    # core.validators.mask_phone, in SQL.
    return (
        f"CASE WHEN length({column}) < 7 THEN repeat('*', length({column})) "
        f"ELSE left({column}, 3) || '****' || right({column}, 4) END"
    )


@functools.cache
def _audit_changes_sql() -> str:
    """audit.diff({}, audit.snapshot(member)) with the model's masking, for the row ``m``:
    every logged field that is not NULL, as [null, value]."""
    from gonghui.core import audit
    from gonghui.core.validators import mask_phone

    pairs = []
    for f in Member._meta.concrete_fields:
        if f.name in audit.REDACTED_FIELDS or f.name in audit.NOISE_FIELDS:
            continue
        column = f"m.{connection.ops.quote_name(f.column)}"
        rule = Member.audit_masked_fields.get(f.name)
        if rule is not None and rule is not mask_phone:
            raise NotImplementedError(f"no SQL for masking {f.name}")
        value = _phone_mask_sql(column) if rule else column
        pairs.append(f"'{f.name}', CASE WHEN {column} IS NULL THEN NULL "
                     f"ELSE jsonb_build_array(NULL, {value}) END")  # fmt: skip
    # jsonb_build_object takes at most 100 arguments.
    objects = [
        f"jsonb_build_object({', '.join(pairs[i : i + 40])})" for i in range(0, len(pairs), 40)
    ]
    return f"jsonb_strip_nulls({' || '.join(objects)})"


@functools.cache
def _bulk_join_sql() -> str:
    from gonghui.core.models import AuditLog

    from .models import MemberEvent

    fields = _columns(Member, skip=["member_number"])
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    events, audits = MemberEvent._meta.db_table, AuditLog._meta.db_table
    return (
        f"WITH m AS (INSERT INTO {Member._meta.db_table} ({names}, member_number) "
        f"SELECT {names}, %s || {number_sql()} FROM member_stage ORDER BY ord "
        "ON CONFLICT (id_card_hash) DO NOTHING RETURNING *), "
        f"ev AS (INSERT INTO {events} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{events}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{_sequence(MemberEvent)}'), 'member_id', m.id, "
        "'status_after', m.status)) r), "
        f"au AS (INSERT INTO {audits} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{audits}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{_sequence(AuditLog)}'), 'object_id', m.id::text, 'object_repr', "
        f"left(m.name || '（' || m.member_number || '）', 255), "
        f"'changes', {_audit_changes_sql()})) r "
        "WHERE NOT m.id_card_hash = ANY(%s)) "
        "SELECT id, id_card_hash, member_number FROM m"
    )


def _history_params(history: JoinRows) -> list:
    from django.utils import timezone

    from gonghui.core.models import AuditLog

    from .models import MemberEvent

    now = timezone.now()
    return [
        _json_row(history.event, _columns(MemberEvent, skip=["member_id"]), now),
        _json_row(
            history.entry, _columns(AuditLog, skip=["object_id", "object_repr", "changes"]), now
        ),
        list(history.by_caller),
    ]


def copy_objects(model, objects: list[models.Model]) -> None:
    """Write new rows set-wise without reading ids back: COPY on PostgreSQL, bulk_create
    elsewhere."""
    if not objects:
        return
    if not is_postgres():
        model.objects.bulk_create(objects, batch_size=500)
        return
    fields = _columns(model)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    copy_sql = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        _copy_rows(copy, objects, fields)


def insert_objects(objects: list[models.Model]) -> None:
    """Insert rows whose ids nobody reads back, of any models, in one statement on PostgreSQL
    (a chain of data-modifying CTEs: one round trip); one INSERT each elsewhere."""
    statements = []
    for obj in objects:
        fields = _columns(type(obj))
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        statements.append(
            (f"INSERT INTO {type(obj)._meta.db_table} ({names}) VALUES ({marks})",
             _values(obj, fields))
        )  # fmt: skip
    with connection.cursor() as cursor:
        if is_postgres() and len(statements) > 1:
            *first, (last_sql, last_params) = statements
            ctes = ", ".join(f"w{i} AS ({sql})" for i, (sql, _params) in enumerate(first))
            params = [value for _sql, values in first for value in values]
            cursor.execute(f"WITH {ctes} {last_sql}", [*params, *last_params])
            return
        for sql, params in statements:
            cursor.execute(sql, params)


# ---- The online join as one statement ---------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    """The one-time code a join spends: the phone's latest for ``purpose``, with this hash,
    unexpired, unspent and not worn out."""

    phone: str
    purpose: str
    code_hash: str
    max_attempts: int
    used_for: str


@functools.cache
def _sequence(model) -> str:
    """The sequence behind ``model``'s id (read once per process)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
        return cursor.fetchone()[0]


@functools.cache
def _join_sql() -> str:
    """Each row travels as one JSON parameter and is spread into its table's columns by
    jsonb_populate_record: a short statement (psycopg caches the parsing of statements under
    4 KB) with six parameters instead of some eighty."""
    from gonghui.core.models import AuditLog, FigureDelta

    from .models import MemberEvent, PhoneCode

    codes = PhoneCode._meta.db_table
    members = Member._meta.db_table
    events = MemberEvent._meta.db_table
    audits = AuditLog._meta.db_table
    figures = FigureDelta._meta.db_table
    figure_columns = ", ".join(f.column for f in _columns(FigureDelta))
    return (
        # The code row, locked: a parallel join with the same code waits here, then sees it
        # spent (the conditions are checked again on the row it waited for).
        f"WITH code AS (SELECT id FROM {codes} WHERE id = (SELECT id FROM {codes} "
        "WHERE phone = %s AND purpose = %s ORDER BY created_at DESC, id DESC LIMIT 1) "
        "AND code_hash = %s AND expires_at > %s AND attempts < %s AND used_at IS NULL "
        "FOR UPDATE), "
        f"m AS (INSERT INTO {members} SELECT r.* FROM code, jsonb_populate_record("
        f"NULL::{members}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{_sequence(Member)}'), 'member_number', %s || {number_sql()})) r "
        "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, member_number), "
        # Spent only by a join that went in: a refused one leaves it for the general path.
        f"spent AS (UPDATE {codes} SET used_at = %s, used_for = %s "
        "WHERE id = (SELECT id FROM code) AND EXISTS (SELECT 1 FROM m)), "
        f"ev AS (INSERT INTO {events} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{events}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{_sequence(MemberEvent)}'), 'member_id', m.id)) r), "
        f"au AS (INSERT INTO {audits} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{audits}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{_sequence(AuditLog)}'), 'object_id', m.id::text, 'object_repr', "
        "left(%s || m.member_number || '）', 255), 'changes', %s::jsonb || jsonb_build_object("
        "'id', jsonb_build_array(NULL, m.id), "
        "'member_number', jsonb_build_array(NULL, m.member_number)))) r), "
        f"fd AS (INSERT INTO {figures} ({figure_columns}) SELECT {figure_columns} "
        f"FROM m, jsonb_populate_recordset(NULL::{figures}, %s::jsonb)) "
        "SELECT m.id, m.member_number FROM m"
    )


def _json_row(obj, fields, now) -> str:
    """``obj``'s columns as a JSON object for jsonb_populate_record."""
    import json

    row = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = getattr(obj, f.attname)
        if isinstance(value, datetime.date):  # datetimes too
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        row[f.column] = value
    return json.dumps(row, ensure_ascii=False)


def member_join_statement(
    member: Member,
    *,
    code: CodeCheck,
    event: models.Model,
    entry: models.Model,
    repr_prefix: str,
    figure_rows: list[tuple],
) -> bool:
    """One statement (one round trip, its own transaction when none is open) that spends
    ``code`` and inserts ``member`` with its history row ``event``, its audit row ``entry``
    (the id and number filled in by the database) and its figure deltas, or writes nothing:
    a code that does not check out, or a record with the same ID hash. Returns whether the
    member went in (pk and number set). PostgreSQL only."""
    import json

    from django.utils import timezone

    from gonghui.core.models import AuditLog

    from .models import MemberEvent

    member.fill_derived()
    now = timezone.now()
    figures = [
        {"org_path": path, "metric": metric, "day": day.isoformat(), "delta": delta,
         "moved_from": ""}
        for path, metric, day, delta in figure_rows
    ]  # fmt: skip
    params = [
        code.phone, code.purpose, code.code_hash, now, code.max_attempts,
        _json_row(member, _columns(Member, skip=["member_number"]), now),
        member.union.region_code,
        now, code.used_for,
        _json_row(event, _columns(MemberEvent, skip=["member_id"]), now),
        _json_row(entry, _columns(AuditLog, skip=["object_id", "object_repr", "changes"]), now),
        repr_prefix, json.dumps(entry.changes, ensure_ascii=False), json.dumps(figures),
    ]  # fmt: skip
    return _insert_one(member, _join_sql(), params)
