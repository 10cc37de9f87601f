"""Set-wise writes for the import: a batch of members in one INSERT ... SELECT ... ON CONFLICT on
the ID hash (COPY into a staging table on PostgreSQL, with the history and audit rows in the same
statement), and COPY for the rows nobody reads back. Numbers, columns and JSON rows are
``members.rows``."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from django.db import connection, models
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditLog
from gonghui.core.validators import mask_phone
from gonghui.members import rows
from gonghui.members.models import Member, MemberEvent


def _jsonb(value):
    from psycopg.types.json import Jsonb  # PostgreSQL's driver: only its COPY needs it

    return Jsonb(value)


def _copy_getters(fields: Sequence[models.Field]):
    """Per-field readers for COPY rows: the attribute as is (psycopg adapts it), one clock
    reading for auto_now fields, Jsonb for JSON. get_db_prep_save per cell costs more than
    the COPY itself."""
    from psycopg.types.json import Jsonb  # PostgreSQL's driver: only its COPY needs it

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


# The staged row's ID hash is not a member's yet (no number is drawn for one that is).
_NEW_HASH = (
    f"NOT EXISTS (SELECT 1 FROM {Member._meta.db_table} x "
    "WHERE x.id_card_hash = member_stage.id_card_hash)"
)


class Values:
    """A member's column values as attributes (``Member.fill_derived`` reads and sets them):
    the import builds a batch's rows as dicts, not as model instances."""

    def __init__(self, values: dict):
        self.__dict__ = values


def member_base(template: Member) -> dict:
    """The columns every member of a batch starts from: ``template``'s values (its defaults
    and what the batch shares), by attname; pk and number aside."""
    return {f.attname: getattr(template, f.attname) for f in rows.model_columns(Member)}


def member_values(base: dict, own: dict) -> dict:
    """A new member's columns: ``base``, the row's own on top, and the derived search
    columns as ``Member.fill_derived`` computes them."""
    values = {**base, **own}
    Member.fill_derived(Values(values))
    return values


@functools.cache
def _stamped() -> tuple[str, ...]:
    return tuple(
        f.attname
        for f in Member._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )


def stamp(values: dict, now) -> None:
    """The auto_now(_add) columns, as a save would set them."""
    for name in _stamped():
        values[name] = now


def member_instance(values: dict) -> Member:
    """A saved-looking Member from its column values (pk and number included)."""
    member = Member(**{k: v for k, v in values.items() if k != "id"})
    rows.mark_saved(member, values["id"], values["member_number"])
    return member


def members_insert(
    members: list[dict],
    region_code: str,
    *,
    history: JoinRows | None = None,
    wait_for_disk: bool = True,
) -> list[dict]:
    """Insert every member whose ID hash is new, set-wise; ``members`` are column values by
    attname (``member_values``). Returns those inserted, with ``id`` and ``member_number``
    set; no number is drawn for a hash already there. PostgreSQL: COPY into a staging table
    and one INSERT ... SELECT ... WHERE NOT EXISTS ... ON CONFLICT, with ``history`` the
    history and audit rows in the same statement; SQLite: the hashes already there read, a
    block of numbers and one executemany (``history`` is the caller's to write). Without
    ``wait_for_disk``, the transaction commits without waiting for its WAL to be flushed
    (PostgreSQL's synchronous_commit off: a crash may lose it whole, never half)."""
    if not members:
        return []
    table = Member._meta.db_table
    by_hash = {m["id_card_hash"]: m for m in members}
    if rows.is_postgres():
        fields = rows.model_columns(Member, skip=["member_number"])
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        attnames = [f.attname for f in fields]
        with connection.cursor() as cursor:
            # One round trip (no parameters: several statements may go in one).
            cursor.execute(
                ("" if wait_for_disk else "SET LOCAL synchronous_commit = off; ")
                + "DROP TABLE IF EXISTS member_stage; "
                f"CREATE TEMP TABLE member_stage ON COMMIT DROP AS "
                f"SELECT {names}, NULL::integer AS ord FROM {table} WITH NO DATA"
            )
            jsons = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            with cursor.copy(f"COPY member_stage ({names}, ord) FROM STDIN") as copy:
                write = copy.write_row
                for index, member in enumerate(members):
                    row = [*map(member.__getitem__, attnames), index]
                    for i in jsons:
                        row[i] = _jsonb(row[i])
                    write(row)
            insert = (
                f"INSERT INTO {table} ({names}, member_number) "
                f"SELECT {names}, %s || {rows.number_sql()} FROM member_stage "
                f"WHERE {_NEW_HASH} ORDER BY ord "
                "ON CONFLICT (id_card_hash) DO NOTHING RETURNING *"
            )
            if history is None:
                cursor.execute(
                    f"WITH m AS ({insert}) SELECT id, id_card_hash, member_number FROM m",
                    [region_code],
                )
            else:
                varying, shared = _changes_split(members)
                cursor.execute(
                    _bulk_join_sql(varying),
                    [region_code, *_history_params(history, shared)],
                )
            returned = cursor.fetchall()
    else:
        there = set()
        with connection.cursor() as cursor:
            hashes = list(by_hash)
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                cursor.execute(
                    f"SELECT id_card_hash FROM {table} "
                    f"WHERE id_card_hash IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                there.update(digest for (digest,) in cursor.fetchall())
        members = [m for m in members if m["id_card_hash"] not in there]
        if not members:
            return []
        serials = rows.allocate_serials(len(members))
        for member, serial in zip(members, serials, strict=True):
            member["member_number"] = rows.format_number(region_code, serial)
        fields = rows.model_columns(Member)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) "
                "ON CONFLICT (id_card_hash) DO NOTHING",
                [[f.get_db_prep_save(m[f.attname], connection) for f in fields] for m in members],
            )
            hashes = [m["id_card_hash"] for m in members]
            returned = []
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                cursor.execute(
                    f"SELECT id, id_card_hash, member_number FROM {table} "
                    f"WHERE id_card_hash IN ({', '.join(['%s'] * len(chunk))}) "
                    "AND member_number IN ("
                    f"{', '.join(['%s'] * len(chunk))})",
                    [*chunk, *(by_hash[h]["member_number"] for h in chunk)],
                )
                returned.extend(cursor.fetchall())
    inserted = []
    for pk, digest, number in returned:
        member = by_hash[digest]
        member["id"], member["member_number"] = pk, number
        inserted.append(member)
    return inserted


def _phone_mask_sql(column: str) -> str:
    # core.validators.mask_phone, in SQL.
    return (
        f"CASE WHEN length({column}) < 7 THEN repeat('*', length({column})) "
        f"ELSE left({column}, 3) || '****' || right({column}, 4) END"
    )


@functools.cache
def _logged_fields() -> tuple[models.Field, ...]:
    """The member fields an audit row's changes hold (audit.snapshot's)."""
    return tuple(
        f
        for f in Member._meta.concrete_fields
        if f.name not in audit.REDACTED_FIELDS and f.name not in audit.NOISE_FIELDS
    )


@functools.cache
def _audit_changes_sql(varying: tuple[str, ...]) -> str:
    """audit.diff({}, audit.snapshot(member)) with the model's masking, for the row ``m``, of
    the fields named in ``varying``: every one that is not NULL, as [null, value]."""
    pairs = []
    for f in _logged_fields():
        if f.name not in varying:
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
    return f"jsonb_strip_nulls({' || '.join(objects)})" if objects else "'{}'::jsonb"


def _changes_split(members: list[dict]) -> tuple[tuple[str, ...], dict]:
    """The logged fields whose value differs between the batch's members (their changes are
    built by the database, row by row), and the changes every member shares, masked as
    audit.mask_changes masks them (built here once: most of a member's 40-odd logged fields
    are the same for a whole file). id and number are the database's, so always varying."""
    varying, shared = [], {}
    for f in _logged_fields():
        name = f.attname
        if f.primary_key or name == "member_number":
            varying.append(f.name)
            continue
        first = members[0][name]
        if all(m[name] == first for m in members):
            if first is not None:
                shared[f.name] = [None, audit.json_value(first)]
        else:
            varying.append(f.name)
    return tuple(varying), audit.mask_changes(Member, shared)


@functools.cache
def _bulk_join_sql(varying: tuple[str, ...]) -> str:
    """The members' INSERT, with each new member's history row and (unless its ID hash is in
    the last parameter) its audit row. The history and audit rows' shared columns come from
    one JSON row each; their ids from the column defaults."""
    fields = rows.model_columns(Member, skip=["member_number"])
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    events, audits = MemberEvent._meta.db_table, AuditLog._meta.db_table
    quote = connection.ops.quote_name
    event_columns = [
        quote(f.column) for f in rows.model_columns(MemberEvent, skip=["member_id", "status_after"])
    ]
    audit_columns = [
        quote(f.column)
        for f in rows.model_columns(AuditLog, skip=["object_id", "object_repr", "changes"])
    ]
    return (
        f"WITH m AS (INSERT INTO {Member._meta.db_table} ({names}, member_number) "
        f"SELECT {names}, %s || {rows.number_sql()} FROM member_stage WHERE {_NEW_HASH} "
        "ORDER BY ord ON CONFLICT (id_card_hash) DO NOTHING RETURNING *), "
        f"ev AS (INSERT INTO {events} ({', '.join(event_columns)}, member_id, status_after) "
        f"SELECT {', '.join('r.' + c for c in event_columns)}, m.id, m.status "
        f"FROM m CROSS JOIN jsonb_populate_record(NULL::{events}, %s::jsonb) r), "
        f"au AS (INSERT INTO {audits} ({', '.join(audit_columns)}, object_id, object_repr, "
        f"changes) SELECT {', '.join('r.' + c for c in audit_columns)}, m.id::text, "
        f"left(m.name || '（' || m.member_number || '）', 255), "
        f"%s::jsonb || {_audit_changes_sql(varying)} "
        f"FROM m CROSS JOIN jsonb_populate_record(NULL::{audits}, %s::jsonb) r "
        "WHERE NOT m.id_card_hash = ANY(%s)) "
        "SELECT id, id_card_hash, member_number FROM m"
    )


def _history_params(history: JoinRows, shared_changes: dict) -> list:
    now = timezone.now()
    event_columns = rows.model_columns(MemberEvent, skip=["member_id", "status_after"])
    audit_columns = rows.model_columns(AuditLog, skip=["object_id", "object_repr", "changes"])
    return [
        rows.json_row(history.event, event_columns, now),
        json.dumps(shared_changes, ensure_ascii=False),
        rows.json_row(history.entry, audit_columns, now),
        list(history.by_caller),
    ]


def copy_objects(model, objects: list[models.Model]) -> None:
    """Write new rows set-wise without reading ids back: COPY on PostgreSQL, bulk_create
    elsewhere."""
    if not objects:
        return
    if not rows.is_postgres():
        model.objects.bulk_create(objects, batch_size=500)
        return
    fields = rows.model_columns(model)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    copy_sql = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        _copy_rows(copy, objects, fields)
