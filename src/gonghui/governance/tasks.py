"""Background work for governance: the daily 换届 reminders (scheduler or command)."""

from __future__ import annotations

import datetime

from django_tasks import task

from . import services


@task()
def raise_term_reminders(today: str | None = None) -> int:
    """Raise the 6- and 1-month 换届 reminders that fell due. Idempotent."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.term_reminders_raise(today=day)
