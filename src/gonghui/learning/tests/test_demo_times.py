"""Issue 11 item 10: the demo used to schedule classes at "now + 2 h", i.e. 03:00 at night when
built after midnight. Demo classes fall on working days between 09:00 and 17:00 Beijing time."""

import datetime
import io
import zoneinfo

import pytest
import time_machine

from .. import demo
from ..models import TrainingSession

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def sessions_in_beijing():
    return [
        (s.starts_at.astimezone(BEIJING), s.ends_at.astimezone(BEIJING))
        for s in TrainingSession.objects.order_by("starts_at")
    ]


def test_demo_built_at_1_am_on_a_friday_schedules_classes_from_monday_9_00(personas):
    friday_night = datetime.datetime(2026, 11, 27, 1, 18, tzinfo=BEIJING)
    with time_machine.travel(friday_night, tick=False):
        demo._services(io.StringIO())
    slots = sessions_in_beijing()
    assert len(slots) == 3  # 新屋岭's mobile class, weekly
    assert [start.date() for start, _end in slots] == [
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 7),
        datetime.date(2026, 12, 14),
    ]
    for start, end in slots:
        assert start.weekday() < 5
        assert datetime.time(9) <= start.time() and end.time() <= datetime.time(17)
        assert end.date() == start.date()


def test_demo_classes_skip_the_national_day_holiday(personas):
    # 2026-10-01 02:30 Beijing: 10-01..10-07 are days off (the 2026 calendar seeded by cases).
    with time_machine.travel(datetime.datetime(2026, 10, 1, 2, 30, tzinfo=BEIJING), tick=False):
        demo._services(io.StringIO())
    first_start, first_end = sessions_in_beijing()[0]
    assert first_start == datetime.datetime(2026, 10, 8, 9, 0, tzinfo=BEIJING)
    assert first_end == datetime.datetime(2026, 10, 8, 11, 0, tzinfo=BEIJING)


def test_a_working_slot_moves_weekends_and_holidays_to_the_next_working_day():
    nine = datetime.time(9)
    days_off = {datetime.date(2026, 10, 8): "holiday", datetime.date(2026, 10, 10): "workday"}
    assert demo.working_slot(datetime.date(2026, 10, 8), nine, days_off).date() == datetime.date(
        2026, 10, 9
    )
    # A make-up Saturday is a working day.
    assert demo.working_slot(datetime.date(2026, 10, 10), nine, days_off).date() == datetime.date(
        2026, 10, 10
    )
    assert demo.working_slot(datetime.date(2026, 10, 11), nine, days_off).date() == datetime.date(
        2026, 10, 12
    )
