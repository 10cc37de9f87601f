"""Set-wise writes for the import: a batch of members in one INSERT ... SELECT ... ON CONFLICT on
the ID hash (COPY into a staging table on PostgreSQL, with the history and audit rows in the same
statement), and COPY for the rows nobody reads back. Numbers, columns and JSON rows are
``members.rows``."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
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


class Values:
    """A member's column values as attributes (``Member.fill_derived`` reads and sets them):
    the import builds a batch's rows as dicts, not as model instances."""

    def __init__(self, values: dict):
        self.__dict__ = values


def member_values(template: Member, own: Iterable[dict]) -> list[dict]:
    """Every column of each new member (by attname, pk and number aside): ``template``'s
    values (its defaults and what the batch shares), each row's own on top, and the derived
    search columns as ``Member.fill_derived`` computes them."""
    now = timezone.now()
    base = {f.attname: getattr(template, f.attname) for f in rows.model_columns(Member)}
    for f in Member._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            base[f.attname] = now
    fill_derived = Member.fill_derived
    out = []
    for row in own:
        values = {**base, **row}
        fill_derived(Values(values))
        out.append(values)
    return out


def member_instance(values: dict) -> Member:
    """A saved-looking Member from its column values (pk and number included)."""
    member = Member(**{k: v for k, v in values.items() if k != "id"})
    rows.mark_saved(member, values["id"], values["member_number"])
    return member


def members_insert(
    members: list[dict], region_code: str, *, history: JoinRows | None = None
) -> list[dict]:
    """Insert every member whose ID hash is new, set-wise; ``members`` are column values by
    attname (``member_values``). Returns those inserted, with ``id`` and ``member_number``
    set. PostgreSQL: COPY into a staging table and one INSERT ... SELECT ... ON CONFLICT, with
    ``history`` the history and audit rows in the same statement; SQLite: a block of numbers
    and one executemany (``history`` is the caller's to write)."""
    if not members:
        return []
    table = Member._meta.db_table
    by_hash = {m["id_card_hash"]: m for m in members}
    if rows.is_postgres():
        fields = rows.model_columns(Member, skip=["member_number"])
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        attnames = [f.attname for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE member_stage ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            cursor.execute("ALTER TABLE member_stage ADD COLUMN ord integer")
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
                f"SELECT {names}, %s || {rows.number_sql()} FROM member_stage ORDER BY ord "
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
            hashes = list(by_hash)
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
def _audit_changes_sql() -> str:
    """audit.diff({}, audit.snapshot(member)) with the model's masking, for the row ``m``:
    every logged field that is not NULL, as [null, value]."""

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

    fields = rows.model_columns(Member, skip=["member_number"])
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    events, audits = MemberEvent._meta.db_table, AuditLog._meta.db_table
    return (
        f"WITH m AS (INSERT INTO {Member._meta.db_table} ({names}, member_number) "
        f"SELECT {names}, %s || {rows.number_sql()} FROM member_stage ORDER BY ord "
        "ON CONFLICT (id_card_hash) DO NOTHING RETURNING *), "
        f"ev AS (INSERT INTO {events} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{events}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{rows.id_sequence(MemberEvent)}'), 'member_id', m.id, "
        "'status_after', m.status)) r), "
        f"au AS (INSERT INTO {audits} SELECT r.* FROM m, jsonb_populate_record("
        f"NULL::{audits}, %s::jsonb || jsonb_build_object('id', "
        f"nextval('{rows.id_sequence(AuditLog)}'), 'object_id', m.id::text, 'object_repr', "
        f"left(m.name || '（' || m.member_number || '）', 255), "
        f"'changes', {_audit_changes_sql()})) r "
        "WHERE NOT m.id_card_hash = ANY(%s)) "
        "SELECT id, id_card_hash, member_number FROM m"
    )


def _history_params(history: JoinRows) -> list:

    now = timezone.now()
    audit_columns = rows.model_columns(AuditLog, skip=["object_id", "object_repr", "changes"])
    return [
        rows.json_row(history.event, rows.model_columns(MemberEvent, skip=["member_id"]), now),
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
