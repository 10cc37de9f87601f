import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.cases.calendar import add_workdays, is_workday, workdays_between
from gonghui.cases.defaults import holiday_rows

CAL_2026 = {day: kind for day, kind, _name in holiday_rows()}
dates = st.dates(min_value=datetime.date(2025, 6, 1), max_value=datetime.date(2027, 6, 1))
exceptions = st.dictionaries(dates, st.sampled_from(["holiday", "workday"]), max_size=30)


def test_weekend_is_off_and_weekday_is_on_without_exceptions():
    assert is_workday(datetime.date(2026, 11, 25), {})  # Wednesday
    assert not is_workday(datetime.date(2026, 11, 28), {})  # Saturday


def test_national_day_week_is_off_and_makeup_saturday_is_on():
    assert not is_workday(datetime.date(2026, 10, 5), CAL_2026)  # Monday in 国庆
    assert is_workday(datetime.date(2026, 10, 10), CAL_2026)  # Saturday 调休
    assert is_workday(datetime.date(2026, 9, 20), CAL_2026)  # Sunday 调休


def test_two_workdays_from_the_eve_of_national_day_skip_the_holiday():
    # 30 Sep (Wed) + 2 working days: 1-7 Oct off, 8 Oct (Thu), 9 Oct (Fri).
    assert add_workdays(datetime.date(2026, 9, 30), 2, CAL_2026) == datetime.date(2026, 10, 9)


def test_spring_festival_deadline_lands_on_makeup_saturday():
    # Fri 13 Feb + 1 working day: Sat 14 Feb is a make-up workday.
    assert add_workdays(datetime.date(2026, 2, 13), 1, CAL_2026) == datetime.date(2026, 2, 14)


def test_2026_calendar_has_the_official_counts():
    assert sum(kind == "holiday" for kind in CAL_2026.values()) == 33
    assert sum(kind == "workday" for kind in CAL_2026.values()) == 6


@settings(deadline=None)  # a shared machine: slow is not wrong
@given(dates, st.integers(min_value=1, max_value=60), exceptions)
def test_added_workdays_land_on_a_workday(start, days, cal):
    assert is_workday(add_workdays(start, days, cal), cal)


@settings(deadline=None)  # a shared machine: slow is not wrong
@given(dates, st.integers(min_value=1, max_value=60), exceptions)
def test_workdays_between_inverts_add_workdays(start, days, cal):
    assert workdays_between(start, add_workdays(start, days, cal), cal) == days


@settings(deadline=None)  # a shared machine: slow is not wrong
@given(dates, exceptions)
def test_zero_workdays_is_the_first_workday_on_or_after(start, cal):
    day = add_workdays(start, 0, cal)
    assert day >= start and is_workday(day, cal)
    assert workdays_between(start, day, cal) <= 1


@settings(deadline=None)  # a shared machine: slow is not wrong
@given(dates, st.integers(min_value=0, max_value=40), st.integers(0, 40), exceptions)
def test_add_workdays_is_monotonic(start, a, b, cal):
    low, high = sorted((a, b))
    assert add_workdays(start, low, cal) <= add_workdays(start, high, cal)


@settings(deadline=None)  # a shared machine: slow is not wrong
@given(dates, st.integers(min_value=1, max_value=30))
def test_without_exceptions_five_workdays_span_a_week(start, weeks):
    end = add_workdays(start, 5 * weeks, {})
    if start.weekday() < 5:
        assert end == start + datetime.timedelta(weeks=weeks)
