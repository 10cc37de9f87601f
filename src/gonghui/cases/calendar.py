"""The working-day calendar: weekends off, except the make-up workdays (调休上班) the State
Council announces each year, and public holidays off even on weekdays.

The functions are pure: they take the year's exceptions as a mapping {date: kind} so they can be
tested without a database; :func:`exceptions` reads that mapping from the :class:`Holiday` table.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from .choices import HolidayKind

Exceptions = Mapping[datetime.date, str]
ONE_DAY = datetime.timedelta(days=1)


def is_workday(day: datetime.date, exceptions: Exceptions) -> bool:
    kind = exceptions.get(day)
    if kind == HolidayKind.HOLIDAY:
        return False
    if kind == HolidayKind.WORKDAY:
        return True
    return day.weekday() < 5


def add_workdays(start: datetime.date, days: int, exceptions: Exceptions) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    With ``days == 0`` the answer is ``start`` if it is a working day, else the next one."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_workday(day, exceptions):
            day += ONE_DAY
        return day
    remaining = days
    while remaining:
        day += ONE_DAY
        if is_workday(day, exceptions):
            remaining -= 1
    return day


def workdays_between(start: datetime.date, end: datetime.date, exceptions: Exceptions) -> int:
    """Working days in (start, end]: how many working days have passed since ``start``."""
    if end <= start:
        return 0
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_workday(day, exceptions):
            count += 1
    return count


def exceptions(start: datetime.date | None = None) -> dict[datetime.date, str]:
    """The configured holidays and make-up workdays (from ``start`` on, if given)."""
    from .models import Holiday

    rows = Holiday.objects.all()
    if start is not None:
        rows = rows.filter(date__gte=start - datetime.timedelta(days=31))
    return dict(rows.values_list("date", "kind"))
