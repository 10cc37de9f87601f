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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    member.pk, member.member_number = row
    member._state.adding = False
    member._state.db = connection.alias
    return True


def members_insert(members: list[Member], region_code: str) -> list[Member]:
    """Insert every member whose ID hash is new, set-wise; returns those inserted (pk and
    number set). PostgreSQL: COPY into a staging table and one INSERT ... SELECT ... ON
    CONFLICT; SQLite: a block of numbers and one executemany."""
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
            cursor.execute(
                f"INSERT INTO {table} ({names}, member_number) "
                f"SELECT {names}, %s || {number_sql()} FROM member_stage ORDER BY ord "
                "ON CONFLICT (id_card_hash) DO NOTHING RETURNING id, id_card_hash, member_number",
                [region_code],
            )
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
        member.pk, member.member_number = pk, number
        member._state.adding = False
        member._state.db = connection.alias
        inserted.append(member)
    return inserted


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
