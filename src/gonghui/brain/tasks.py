"""Background work for the brain: fold the appended deltas (every minute or so) and the daily
reconciliation against the raw tables."""

from __future__ import annotations

import logging

from django_tasks import task

from . import rollups

logger = logging.getLogger(__name__)


@task()
def fold_figures() -> int:
    """Fold appended figure deltas into the rollups. Idempotent: folded rows are gone."""
    return rollups.fold()


@task()
def reconcile_figures() -> int:
    """Compare every rollup with the raw tables; report (log) and repair any drift."""
    found = rollups.drift()
    for (path, metric, grain, period), (stored, raw) in sorted(found.items())[:200]:
        logger.warning(
            "brain drift %s %s %s %s: stored %s, raw %s", path, metric, grain, period, stored, raw
        )
    if found:
        rollups.rebuild()
    return len(found)
