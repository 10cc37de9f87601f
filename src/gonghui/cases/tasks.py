"""Background work for cases: the daily overdue sweep (run by the scheduler or the command)."""

from __future__ import annotations

import datetime

from django_tasks import task

from . import services


@task()
def escalate_overdue_cases(today: str | None = None) -> int:
    """Mark overdue cases and escalate them to the parent union. Idempotent."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.case_escalate_overdue(today=day)
