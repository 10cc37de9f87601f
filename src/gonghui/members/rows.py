"""Writes of member rows in as few round trips as the database allows: numbers from a sequence,
one INSERT ... ON CONFLICT on the ID hash, the helpers (columns, JSON rows) that the import's
batch writes (``gonghui.rosters.rows``) and the online join's one statement
(``gonghui.joining.rows``) build on. The services decide what to write; this only writes it.

Member numbers are the union's region code and a national serial. On PostgreSQL the serial is a
sequence (``members_number_<scope>``, made by the migration), read inside the INSERT itself,
so a join takes no lock and no extra round trip; a row that loses its ON CONFLICT leaves a gap,
never a duplicate. SQLite has no sequences: one ``UPDATE ... RETURNING`` on the counter row hands
out a block (SQLite lets one writer at a time, so a value is never handed out twice).
"""

from __future__ import annotations

import datetime
import decimal
import functools
from collections.abc import Iterable, Sequence

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


def model_columns(model, skip: Iterable[str] = ()) -> list[models.Field]:
    skip = set(skip)
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField)) and f.attname not in skip
    ]


def column_values(obj, fields: Sequence[models.Field]) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def member_insert(member: Member) -> bool:
    """Insert ``member`` unless a record with its ID hash exists: one statement (the number is
    drawn inside it on PostgreSQL). Returns whether it was inserted; sets pk and number."""
    member.fill_derived()
    table = Member._meta.db_table
    if is_postgres():
        fields = model_columns(Member, skip=["member_number"])
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {table} ({names}, member_number) VALUES ({marks}, %s || {number_sql()}) "
            "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, member_number"
        )
        params = [*column_values(member, fields), member.union.region_code]
    else:
        member.member_number = format_number(member.union.region_code, allocate_serials(1)[0])
        fields = model_columns(Member)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {table} ({names}) VALUES ({marks}) "
            "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, member_number"
        )
        params = column_values(member, fields)
    return insert_returning_number(member, sql, params)


def insert_returning_number(member: Member, sql: str, params: list) -> bool:
    """Run an INSERT that returns (id, member_number) or nothing; mark ``member`` saved."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    mark_saved(member, *row)
    return True


def mark_saved(member: Member, pk: int, number: str) -> None:
    member.pk, member.member_number = pk, number
    member._state.adding = False
    member._state.db = connection.alias


def insert_objects(objects: list[models.Model]) -> None:
    """Insert rows whose ids nobody reads back, of any models, in one statement on PostgreSQL
    (a chain of data-modifying CTEs: one round trip); one INSERT each elsewhere."""
    statements = []
    for obj in objects:
        fields = model_columns(type(obj))
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        statements.append(
            (f"INSERT INTO {type(obj)._meta.db_table} ({names}) VALUES ({marks})",
             column_values(obj, fields))
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


@functools.cache
def id_sequence(model) -> str:
    """The sequence behind ``model``'s id (read once per process)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
        return cursor.fetchone()[0]


def json_row(obj, fields, now) -> str:
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
