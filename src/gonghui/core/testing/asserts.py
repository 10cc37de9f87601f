"""Assertions for refusals: nothing was written, and the answer says why without leaking."""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps

# Rows a refused request may touch on purpose: sessions, failed-login records and a bearer
# token's last-used stamp are bookkeeping of the request, not data it changed.
BOOKKEEPING = frozenset({"sessions.Session", "axes.AccessAttempt", "axes.AccessFailureLog",
                         "axes.AccessLog", "accounts.ApiToken"})  # fmt: skip


def snapshot(but=()) -> dict[str, list[tuple]]:
    """Every row of every table we own (small test databases), by model label."""
    skipped = BOOKKEEPING | set(but)
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in skipped
    }


@contextmanager
def nothing_written(*, but=()):
    """Assert that the block inserts, updates and deletes no row (``but``: model labels that may
    change, e.g. ``"core.RateLimitHit"``)."""
    before = snapshot(but)
    yield
    after = snapshot(but)
    changed = sorted(label for label in before if before[label] != after[label])
    assert changed == [], f"rows written in {changed}"
