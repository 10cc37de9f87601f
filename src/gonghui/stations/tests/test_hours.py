import datetime as dt
import zoneinfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gonghui.stations import hours as h

SH = h.SHANGHAI
T = dt.time


def at(y, m, d, hh, mm=0, tz=SH):
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


# 2026-07-15 is a Wednesday.
WEEKDAYS_9_TO_5 = [h.Interval(day, T(9), T(17)) for day in range(1, 6)]


def test_open_inside_weekday_hours_and_closed_outside():
    assert h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 15, 12))
    assert not h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 15, 17))
    assert not h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 15, 8, 59))
    assert not h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 18, 12))  # Saturday


def test_open_now_uses_shanghai_wall_clock_whatever_the_callers_timezone():
    # 04:00 UTC is 12:00 in Shanghai; 12:00 UTC is 20:00 in Shanghai.
    assert h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 15, 4, tz=dt.UTC))
    assert not h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 15, 12, tz=dt.UTC))
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert h.is_open(WEEKDAYS_9_TO_5, [], at(2026, 7, 15, 0, tz=new_york))  # 12:00 Shanghai


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        h.is_open(WEEKDAYS_9_TO_5, [], dt.datetime(2026, 7, 15, 12))


def test_overnight_interval_runs_into_the_next_morning():
    night = [h.Interval(5, T(22), T(6))]  # Friday 22:00 to Saturday 06:00
    assert h.is_open(night, [], at(2026, 7, 17, 23))
    assert h.is_open(night, [], at(2026, 7, 18, 5, 59))
    assert not h.is_open(night, [], at(2026, 7, 18, 6))
    assert not h.is_open(night, [], at(2026, 7, 17, 5))


def test_equal_open_and_close_means_round_the_clock():
    always = h.parse_weekly("每天 00:00-24:00")
    assert len(always) == 7
    assert all(h.is_open(always, [], at(2026, 7, 15, hour)) for hour in range(24))


def test_closure_exception_overrides_weekly_hours():
    closed = [h.Exception_(dt.date(2026, 10, 1), dt.date(2026, 10, 7), True)]
    assert not h.is_open(WEEKDAYS_9_TO_5, closed, at(2026, 10, 2, 12))
    assert h.is_open(WEEKDAYS_9_TO_5, closed, at(2026, 10, 8, 12))


def test_special_hours_exception_opens_on_a_normally_closed_day():
    special = [h.Exception_(dt.date(2026, 7, 18), dt.date(2026, 7, 18), False, T(10), T(14))]
    assert h.is_open(WEEKDAYS_9_TO_5, special, at(2026, 7, 18, 11))
    assert not h.is_open(WEEKDAYS_9_TO_5, special, at(2026, 7, 18, 15))


def test_parse_weekly_understands_chinese_ranges_and_split_days():
    intervals = h.parse_weekly("周一至周五 08:00-12:00,14:00-18:00；周六 9:00-17:00; 周日 休息")
    assert len(intervals) == 11
    assert h.Interval(6, T(9), T(17)) in intervals


@pytest.mark.parametrize(
    "text",
    ["周一 25:00-26:00", "周一 08:00-18:60", "周八 08:00-18:00", "周一 08:00", "08:00-18:00"],
)
def test_malformed_hours_are_refused_with_a_message(text):
    with pytest.raises(h.HoursError) as info:
        h.parse_weekly(text)
    assert str(info.value)


def test_25_oclock_names_the_bad_time():
    with pytest.raises(h.HoursError, match="25:00"):
        h.parse_weekly("周一 08:00-25:00")


def test_overlapping_weekly_intervals_are_refused():
    with pytest.raises(h.HoursError):
        h.parse_weekly("周一 08:00-12:00,11:00-13:00")


def test_sunday_overnight_into_monday_hours_is_an_overlap():
    with pytest.raises(h.HoursError):
        h.parse_weekly("周日 22:00-08:00; 周一 07:00-09:00")


def test_overlapping_exceptions_are_refused():
    with pytest.raises(h.HoursError):
        h.check_exceptions(
            [
                h.Exception_(dt.date(2026, 10, 1), dt.date(2026, 10, 7), True),
                h.Exception_(dt.date(2026, 10, 7), dt.date(2026, 10, 8), True),
            ]
        )


times = st.builds(T, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def weeks(draw):
    intervals = draw(
        st.lists(st.builds(h.Interval, st.integers(1, 7), times, times), max_size=8, unique=True)
    )
    try:
        h.check_weekly(intervals)
    except h.HoursError:
        assume(False)
    return sorted(intervals)


@given(weeks())
def test_formatted_week_parses_back_to_the_same_intervals(week):
    assert h.parse_weekly(h.format_weekly(week)) == week


def brute_force_open(week, exceptions, moment: dt.datetime) -> bool:
    """Minute-by-minute model: walk every opening span of the previous and current day."""
    local = moment.astimezone(SH).replace(tzinfo=None)
    for offset in (-1, 0):
        day = local.date() + dt.timedelta(days=offset)
        covering = [e for e in exceptions if e.start <= day <= e.end]
        if covering:
            e = covering[0]
            spans = [] if e.closed else [h.Interval(day.isoweekday(), e.opens, e.closes)]
        else:
            spans = [i for i in week if i.weekday == day.isoweekday()]
        for span in spans:
            start = dt.datetime.combine(day, span.opens)
            minutes = (span.closes.hour * 60 + span.closes.minute) - (
                span.opens.hour * 60 + span.opens.minute
            )
            if minutes <= 0:
                minutes += 24 * 60
            if start <= local < start + dt.timedelta(minutes=minutes):
                return True
    return False


moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2026, 12, 31),
    timezones=st.just(dt.UTC),
)


@st.composite
def exception_lists(draw):
    start = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 20)))
    length = draw(st.integers(0, 5))
    closed = draw(st.booleans())
    item = h.Exception_(
        start,
        start + dt.timedelta(days=length),
        closed,
        None if closed else draw(times),
        None if closed else draw(times),
    )
    return draw(st.sampled_from([[], [item]]))


@given(weeks(), exception_lists(), moments)
def test_open_now_matches_a_brute_force_model(week, exceptions, moment):
    assert h.is_open(week, exceptions, moment) == brute_force_open(week, exceptions, moment)


@given(weeks(), moments, st.sampled_from(["UTC", "Asia/Shanghai", "America/Los_Angeles"]))
def test_open_now_does_not_depend_on_the_timezone_the_instant_is_written_in(week, moment, zone):
    assert h.is_open(week, [], moment) == h.is_open(
        week, [], moment.astimezone(zoneinfo.ZoneInfo(zone))
    )
