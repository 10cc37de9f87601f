"""Figure deltas: what a domain write changes in the officers' figures, appended in the write's
own transaction.

The domain services cannot know about the cockpit (core and the domains import no capability
app), so they describe a change as rows of (org path, metric, day, +/-n) in ``FigureDelta``, an
append-only table: no counter row is updated in place, so the national and provincial totals
are no lock hot spot. The brain app folds the rows into per-ancestor rollups in the background;
a reader adds the rows not yet folded to the stored totals, so every figure is exact.

A subtree move appends one marker row (``moved_from`` = the old path); the fold moves the
subtree's stored figures from the old ancestors to the new ones when it reaches the marker.

Metric names are plain strings shared with ``gonghui.brain.rollups`` (which recomputes them
from the raw tables with GROUP BY: the two must agree, and a property test holds them to it).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.utils import timezone

from gonghui.core.models import FigureDelta

# Member states as the members app stores them (plain strings: core imports no domain app).
MEMBER_ACTIVE = "active"
MEMBER_APPLIED = "applied"
# Events of a member leaving the union (not a transfer between unions).
LEAVING_EVENT_KINDS = ("removed", "withdrawn", "lapsed", "deceased")

# Case states that still wait for someone at the union.
CASE_OPEN_STATUSES = ("submitted", "accepted", "in_progress")

# Stock figures (how many are active now) carry this day: only their total is kept, and a
# member's key before and after a write compares equal when nothing that counts has changed.
STOCK_DAY = datetime.date(2000, 1, 1)

# The rows one object counts in: (org path, metric, day).
Key = tuple[tuple[str, str, datetime.date], ...]


def _metrics(status, group, channel, gender, migrant) -> tuple[str, ...]:
    if status == MEMBER_APPLIED:
        return ("m.pending",)
    if status != MEMBER_ACTIVE:
        return ()
    names = ["m.active", f"m.active.g.{group}", f"m.active.ch.{channel}"]
    if gender == "F":
        names.append("m.active.female")
    if migrant:
        names.append("m.active.migrant")
    return tuple(names)


def member_metrics(member) -> tuple[str, ...]:
    """The stock metrics one member counts in, by their present state."""
    return _metrics(
        member.status,
        member.occupation_group,
        member.channel,
        member.gender,
        member.is_migrant_worker,
    )


def member_key(member, path: str | None = None) -> Key:
    """Where and how one member counts now."""
    metrics = member_metrics(member)
    if not metrics:
        return ()
    path = path or member.union.path
    return tuple((path, metric, STOCK_DAY) for metric in metrics)


def member_key_from_snapshot(values: dict, member) -> Key:
    """The key a member had, from the audit snapshot taken before a write (``{}``: none)."""
    if not values:
        return ()
    metrics = _metrics(
        values.get("status"),
        values.get("occupation_group"),
        values.get("channel"),
        values.get("gender"),
        values.get("is_migrant_worker"),
    )
    if not metrics:
        return ()
    union_id = values.get("union")
    if union_id == member.union_id:
        path = member.union.path
    else:
        unions = member._meta.get_field("union").related_model.objects
        path = unions.filter(pk=union_id).values_list("path", flat=True).first()
        if path is None:
            return ()
    return tuple((path, metric, STOCK_DAY) for metric in metrics)


def member_written(before: dict, member) -> None:
    """After any write to one member (``before`` = its audit snapshot before the write)."""
    changed(member_key_from_snapshot(before, member), member_key(member))


def member_event(kind: str, path: str, day=None) -> None:
    """A membership event: joins and leavings are flows by the event's day."""
    if kind == "join":
        record(org_path=path, metric="m.joined", day=day)
    elif kind in LEAVING_EVENT_KINDS:
        record(org_path=path, metric="m.left", day=day)


def case_key(case, path: str | None = None) -> Key:
    """Where and how one case counts now: open at its handling union, or resolved on a day."""
    path = path or case.handling_union.path
    rows = []
    if case.status in CASE_OPEN_STATUSES:
        rows.append((path, "c.open", STOCK_DAY))
    if case.resolved_at is not None:
        rows.append((path, "c.resolved", _stamp(case.resolved_at)))
    return tuple(rows)


def case_key_from_snapshot(values: dict, case) -> Key:
    """The key a case had, from the audit snapshot taken before a write (``{}``: none)."""
    if not values:
        return ()
    union_id = values.get("handling_union")
    if union_id == case.handling_union_id:
        path = case.handling_union.path
    else:
        unions = case._meta.get_field("handling_union").related_model.objects
        path = unions.filter(pk=union_id).values_list("path", flat=True).first()
        if path is None:
            return ()
    rows = []
    if values.get("status") in CASE_OPEN_STATUSES:
        rows.append((path, "c.open", STOCK_DAY))
    resolved = values.get("resolved_at")
    if resolved:
        if isinstance(resolved, str):
            resolved = datetime.datetime.fromisoformat(resolved)
        rows.append((path, "c.resolved", _stamp(resolved)))
    return tuple(rows)


def case_written(before: dict, case) -> None:
    """After any write to one case (``before`` = its audit snapshot before the write)."""
    changed(case_key_from_snapshot(before, case), case_key(case))


def _stamp(day) -> datetime.date:
    if day is None:
        return timezone.localdate()
    if isinstance(day, datetime.datetime):
        return timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day


def record_many(rows: Iterable[tuple[str, str, datetime.date, int]]) -> int:
    """Append (org_path, metric, day, delta) rows, summed per key and without zeros."""
    totals: Counter = Counter()
    for path, metric, day, delta in rows:
        totals[(path, metric, _stamp(day))] += delta
    objs = [
        FigureDelta(org_path=path, metric=metric, day=day, delta=delta)
        for (path, metric, day), delta in totals.items()
        if delta
    ]
    FigureDelta.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def record(*, org_path: str, metric: str, delta: int = 1, day=None) -> None:
    """One figure change (a case opened, a delivery, a check-in) at one org on one day."""
    record_many([(org_path, metric, _stamp(day), delta)])


def changes(pairs: Iterable[tuple[Key, Key]]) -> int:
    """Record state changes of objects: each pair is (key before the write, key after)."""
    rows = []
    for before, after in pairs:
        if before == after:
            continue
        rows.extend((path, metric, day, -1) for path, metric, day in before)
        rows.extend((path, metric, day, 1) for path, metric, day in after)
    return record_many(rows)


def changed(before: Key, after: Key) -> None:
    """After a write to one object: record the difference between its keys."""
    changes([(before, after)])


def subtree_moved(*, old_path: str, new_path: str) -> None:
    """Append the marker of a subtree move (the org moved from ``old_path`` to ``new_path``)."""
    FigureDelta.objects.create(
        org_path=new_path, moved_from=old_path, metric="", day=timezone.localdate(), delta=0
    )
