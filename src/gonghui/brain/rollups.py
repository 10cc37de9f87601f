"""Per-ancestor rollups that stay exact: fold, read, rebuild, reconcile.

- ``fold``: the background step. Takes appended ``FigureDelta`` rows in id order, adds each into
  the rollup rows of every ancestor (and the org itself) of the path it names, and deletes the
  rows it folded, in one transaction: folding twice folds nothing twice. A subtree-move marker
  renames the subtree's rows and moves its totals from the old ancestors to the new ones.
- ``read``: stored rows plus the deltas not yet folded, in one SQL statement (one snapshot), so
  a fold committing between two queries cannot make a figure count twice or not at all.
- ``rebuild``: recomputes an org subtree's rows from the raw tables (GROUP BY per union, spread
  to the ancestors in Python) and corrects the ancestors above by the difference.
- ``reconcile``: ``rebuild`` in compare-only mode: the drift, if any, per org and metric.

Stock metrics (active members, pending approvals, open cases) keep only a total; flows (joins,
leavings, resolved cases, deliveries, check-ins) keep a total and one row per month.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, DateField, Q, Value
from django.db.models.functions import Concat, Length, Substr, Trunc

from gonghui.campaigns.models import Delivery
from gonghui.cases.models import Case
from gonghui.core import figures
from gonghui.core.models import FigureDelta
from gonghui.members.choices import JoinChannel, OccupationGroup
from gonghui.members.models import Member, MemberEvent
from gonghui.organizations.models import PATH_STEP, Organization
from gonghui.stations.models import CheckIn

from .models import TOTAL_PERIOD, Rollup

STOCK_PREFIXES = ("m.active", "m.pending", "c.open")
FOLD_LOCK = 7_240_014  # pg_advisory_xact_lock key: one fold or rebuild at a time
FOLD_BATCH = 20_000

Key = tuple[str, str, str, datetime.date]  # (org_path, metric, grain, period)


def is_stock(metric: str) -> bool:
    return metric.startswith(STOCK_PREFIXES)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def prefixes(path: str, *, below: int = 0) -> list[str]:
    """The org's own path and every ancestor's, down to (not above) length ``below``."""
    start = max(PATH_STEP, below)
    return [path[:end] for end in range(start, len(path) + 1, PATH_STEP)]


def _spread(into: Counter, path: str, metric: str, day: datetime.date, delta: int, below=0):
    grains = [("T", TOTAL_PERIOD)]
    if not is_stock(metric):
        grains.append(("M", month_of(day)))
    for prefix in prefixes(path, below=below):
        for grain, period in grains:
            into[(prefix, metric, grain, period)] += delta


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])


def _add(values: Counter) -> None:
    """Add each value into its rollup row (created at 0 when missing)."""
    rows = [(*key, value) for key, value in values.items() if value]
    if not rows:
        return
    table = Rollup._meta.db_table
    sql = (
        f"INSERT INTO {table} (org_path, metric, grain, period, value) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT (org_path, metric, grain, period) "
        f"DO UPDATE SET value = {table}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _subtree(field: str, path: str) -> Q:
    return Q(**{f"{field}__subtree_of": path})


def _apply_move(old_path: str, new_path: str) -> None:
    Rollup.objects.filter(org_path__subtree_of=old_path).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1, Length("org_path")))
    )
    rows = list(
        Rollup.objects.filter(org_path=new_path).values_list("metric", "grain", "period", "value")
    )
    common = 0
    while (
        common + PATH_STEP <= min(len(old_path), len(new_path)) - PATH_STEP
        and old_path[: common + PATH_STEP] == new_path[: common + PATH_STEP]
    ):
        common += PATH_STEP
    moved: Counter = Counter()
    for metric, grain, period, value in rows:
        for end in range(common + PATH_STEP, len(old_path), PATH_STEP):
            moved[(old_path[:end], metric, grain, period)] -= value
        for end in range(common + PATH_STEP, len(new_path), PATH_STEP):
            moved[(new_path[:end], metric, grain, period)] += value
    _add(moved)


def fold(*, batch: int = FOLD_BATCH) -> int:
    """Fold appended deltas into the rollups until none is left; returns the rows folded."""
    done = 0
    while True:
        with transaction.atomic():
            _lock()
            rows = list(
                FigureDelta.objects.select_for_update()
                .order_by("id")
                .values_list("id", "org_path", "metric", "day", "delta", "moved_from")[:batch]
            )
            if not rows:
                return done
            pending: Counter = Counter()
            for _id, path, metric, day, delta, moved_from in rows:
                if moved_from:
                    _add(pending)
                    pending = Counter()
                    _apply_move(moved_from, path)
                else:
                    _spread(pending, path, metric, day, delta)
            _add(pending)
            ids = [row[0] for row in rows]
            for start in range(0, len(ids), 5000):
                FigureDelta.objects.filter(id__in=ids[start : start + 5000]).delete()
            done += len(rows)
        if len(rows) < batch:
            return done


def _prefix_sql(column: str, path: str) -> tuple[str, list]:
    if connection.vendor == "sqlite":
        return f"({column} >= %s AND {column} < %s)", [path, path + "~"]
    escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{column} LIKE %s", [escaped + "%"]


def read(paths: Iterable[str], *, since: datetime.date | None = None) -> dict[str, Counter]:
    """{path: Counter{(metric, grain, period): value}}: stored rows plus the deltas not yet
    folded, read in one statement per group of siblings. Month rows are read from ``since`` on
    (none when it is None)."""
    paths = sorted(set(paths))
    if not paths:
        return {}
    parents = {path[:-PATH_STEP] for path in paths}
    if len(paths) > 1 and len(parents) > 1:
        merged: dict[str, Counter] = {}
        for parent_path in sorted(parents):
            group = [path for path in paths if path[:-PATH_STEP] == parent_path]
            merged.update(read(group, since=since))
        return merged
    if FigureDelta.objects.exclude(moved_from="").exists():
        fold()  # a subtree moved: its figures must leave the old ancestors before anyone reads
    length = len(paths[0])
    parent = paths[0] if len(paths) == 1 else paths[0][: length - PATH_STEP]
    rollup = Rollup._meta.db_table
    delta = FigureDelta._meta.db_table
    marks = ", ".join(["%s"] * len(paths))
    month_sql = " OR (grain = 'M' AND period >= %s)" if since else ""
    where_delta, delta_params = _prefix_sql("org_path", parent)
    sql = (
        f"SELECT org_path, metric, grain, period, value FROM {rollup} "
        f"WHERE org_path IN ({marks}) AND (grain = 'T'{month_sql}) "
        f"UNION ALL "
        f"SELECT SUBSTR(org_path, 1, %s), metric, 'D', day, SUM(delta) FROM {delta} "
        f"WHERE {where_delta} AND moved_from = '' AND LENGTH(org_path) >= %s "
        f"GROUP BY SUBSTR(org_path, 1, %s), metric, day"
    )
    params = [*paths, *([since] if since else []), length, *delta_params, length, length]
    result: dict[str, Counter] = {path: Counter() for path in paths}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for path, metric, grain, period, value in cursor.fetchall():
            if path not in result:
                continue
            if isinstance(period, datetime.datetime):
                period = period.date()
            elif isinstance(period, str):
                period = datetime.date.fromisoformat(period[:10])
            values = result[path]
            value = int(value)  # SUM over bigint is numeric on PostgreSQL
            if grain != "D":
                values[(metric, grain, period)] += value
                continue
            values[(metric, "T", TOTAL_PERIOD)] += value
            if not is_stock(metric) and since and period >= since:
                values[(metric, "M", month_of(period))] += value
    return result


# ---- Recomputing from the raw tables ----------------------------------------------------------


def _month(field: str):
    return Trunc(field, "month", output_field=DateField())


def raw_values(path: str) -> Counter:
    """Every rollup row of the subtree at ``path`` (own path included) computed from the raw
    tables by GROUP BY: the truth ``fold`` must agree with."""
    out: Counter = Counter()
    active = Q(status=figures.MEMBER_ACTIVE)
    columns = {
        "m.active": Count("id", filter=active),
        "m.pending": Count("id", filter=Q(status=figures.MEMBER_APPLIED)),
        "m.active.female": Count("id", filter=active & Q(gender="F")),
        "m.active.migrant": Count("id", filter=active & Q(is_migrant_worker=True)),
    }
    for group in OccupationGroup.values:
        columns[f"m.active.g.{group}"] = Count("id", filter=active & Q(occupation_group=group))
    for channel in JoinChannel.values:
        columns[f"m.active.ch.{channel}"] = Count("id", filter=active & Q(channel=channel))
    aliases = {f"c{i}": (name, expr) for i, (name, expr) in enumerate(columns.items())}
    members = (
        Member.objects.filter(_subtree("union__path", path))
        .values("union__path")
        .annotate(**{alias: expr for alias, (_name, expr) in aliases.items()})
        .order_by()
    )
    for row in members:
        for alias, (name, _expr) in aliases.items():
            if row[alias]:
                _spread(out, row["union__path"], name, TOTAL_PERIOD, row[alias], below=len(path))

    def flows(queryset, path_field: str, date_field: str, metric_of):
        rows = (
            queryset.annotate(month=_month(date_field))
            .values(path_field, "month", *metric_of[1])
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            name = metric_of[0](row)
            _spread(out, row[path_field], name, row["month"], row["n"], below=len(path))

    events = MemberEvent.objects.filter(_subtree("union__path", path))
    flows(events.filter(kind="join"), "union__path", "created_at", (lambda r: "m.joined", ()))
    flows(
        events.filter(kind__in=figures.LEAVING_EVENT_KINDS),
        "union__path",
        "created_at",
        (lambda r: "m.left", ()),
    )
    cases = Case.objects.filter(_subtree("handling_union__path", path))
    for row in (
        cases.filter(status__in=figures.CASE_OPEN_STATUSES)
        .values("handling_union__path")
        .annotate(n=Count("id"))
        .order_by()
    ):
        _spread(out, row["handling_union__path"], "c.open", TOTAL_PERIOD, row["n"], len(path))
    flows(
        cases.filter(resolved_at__isnull=False),
        "handling_union__path",
        "resolved_at",
        (lambda r: "c.resolved", ()),
    )
    flows(
        Delivery.objects.filter(_subtree("campaign__organizer__path", path)),
        "campaign__organizer__path",
        "delivered_at",
        (lambda r: f"d.{r['campaign__kind']}", ("campaign__kind",)),
    )
    flows(
        CheckIn.objects.filter(_subtree("station__operator__path", path)),
        "station__operator__path",
        "created_at",
        (lambda r: "s.checkin", ()),
    )
    return Counter({key: value for key, value in out.items() if value})


def stored_values(path: str) -> Counter:
    """The rollup rows of the subtree at ``path`` as stored plus unfolded deltas (all grains)."""
    out: Counter = Counter()
    for org_path, metric, grain, period, value in Rollup.objects.filter(
        org_path__subtree_of=path
    ).values_list("org_path", "metric", "grain", "period", "value"):
        out[(org_path, metric, grain, period)] += value
    for org_path, metric, day, delta in FigureDelta.objects.filter(
        org_path__subtree_of=path, moved_from=""
    ).values_list("org_path", "metric", "day", "delta"):
        _spread(out, org_path, metric, day, delta, below=len(path))
    return Counter({key: value for key, value in out.items() if value})


def _roots() -> list[str]:
    return list(Organization.objects.filter(depth=0).values_list("path", flat=True))


def drift(path: str | None = None) -> dict[Key, tuple[int, int]]:
    """{row: (stored, raw)} for every row where the two differ (empty when exact)."""
    fold()
    found = {}
    for root in [path] if path else _roots():
        stored, raw = stored_values(root), raw_values(root)
        for key in stored.keys() | raw.keys():
            if stored[key] != raw[key]:
                found[key] = (stored[key], raw[key])
    return found


def rebuild(path: str | None = None) -> int:
    """Recompute the subtree at ``path`` (everything when None) from the raw tables; the
    ancestors above it move by the difference. Returns the rows written."""
    fold()
    postgres = connection.vendor == "postgresql"
    if postgres:
        # Held across the transaction: its snapshot must be taken after any fold has finished.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [FOLD_LOCK])
    try:
        return _rebuild(path, postgres)
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FOLD_LOCK])


def _rebuild(path: str | None, postgres: bool) -> int:
    written = 0
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if postgres and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if path is None:
            Rollup.objects.all().delete()
            FigureDelta.objects.filter(moved_from="").delete()
            for root in _roots():
                values = raw_values(root)
                _add(values)
                written += len(values)
            return written
        # Deltas under the subtree visible now are part of what the raw tables say: they are
        # consumed here; those committed later stay for the next fold.
        pending = list(
            FigureDelta.objects.filter(org_path__subtree_of=path, moved_from="").values_list(
                "id", flat=True
            )
        )
        old_root = Counter(
            {
                (metric, grain, period): value
                for metric, grain, period, value in Rollup.objects.filter(
                    org_path=path
                ).values_list("metric", "grain", "period", "value")
            }
        )
        values = raw_values(path)
        new_root: Counter = Counter()
        for (org_path, metric, grain, period), value in values.items():
            if org_path == path:
                new_root[(metric, grain, period)] += value
        above: Counter = Counter()
        for key in old_root.keys() | new_root.keys():
            difference = new_root[key] - old_root[key]
            if difference:
                for prefix in prefixes(path)[:-1]:
                    above[(prefix, *key)] += difference
        Rollup.objects.filter(org_path__subtree_of=path).delete()
        for start in range(0, len(pending), 5000):
            FigureDelta.objects.filter(id__in=pending[start : start + 5000]).delete()
        _add(values)
        _add(above)
        written = len(values) + len(above)
    return written


def grouped(values: dict[Key, int]) -> dict[str, dict]:
    """Rows by org path, for reports and tests."""
    out: dict[str, dict] = defaultdict(dict)
    for (path, metric, grain, period), value in values.items():
        out[path][(metric, grain, period)] = value
    return out
