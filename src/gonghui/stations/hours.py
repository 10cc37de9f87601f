"""Opening hours as pure data and pure functions, so "is it open now?" is testable without a
database and answers the same in the API, the map and the nearest-station index.

Rules:
- Times are wall-clock times in Asia/Shanghai (no daylight saving there since 1991).
- A weekly interval belongs to the day it opens. If it closes at or before its opening time it runs
  past midnight into the next day (``22:00-06:00``); ``24:00`` as a closing time means midnight;
  equal opening and closing times (``00:00-24:00``) mean open round the clock.
- An exception covers a date range and replaces the weekly hours of each day in it: either closed,
  or one special interval. Like weekly intervals it governs the hours that open on its dates, so
  an overnight shift that began the day before a closure still finishes.
- Intervals of one week may not overlap, nor may two exceptions of one station.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.core.labels import weekday_name
from gonghui.core.text import to_simplified

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)
WEEK_MINUTES = 7 * 24 * 60
WEEKDAY_LABELS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


class HoursError(ValueError):
    """A message fit to show next to the hours field."""


@dataclass(frozen=True, order=True)
class Interval:
    weekday: int  # ISO: 1 = Monday ... 7 = Sunday
    opens: dt.time
    closes: dt.time

    @property
    def minutes(self) -> int:
        span = (_minute(self.closes) - _minute(self.opens)) % (24 * 60)
        return span or 24 * 60

    @property
    def overnight(self) -> bool:
        return _minute(self.closes) <= _minute(self.opens) and self.closes != dt.time(0)

    def label(self) -> str:
        closes = "24:00" if self.closes == dt.time(0) else self.closes.strftime("%H:%M")
        return f"{self.opens:%H:%M}-{closes}"


@dataclass(frozen=True)
class Exception_:
    start: dt.date
    end: dt.date
    closed: bool
    opens: dt.time | None = None
    closes: dt.time | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _minute(value: dt.time) -> int:
    return value.hour * 60 + value.minute


TIME_RE = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")


def parse_time(text: str, *, closing: bool = False) -> dt.time:
    """``"8:30"`` -> 08:30. ``"24:00"`` is accepted as a closing time (midnight)."""
    match = TIME_RE.match(text or "")
    if not match:
        raise HoursError(_("“%(text)s”不是有效的时间，请写成 08:30 这样的格式。") % {"text": text})
    hour, minute = int(match.group(1)), int(match.group(2))
    if closing and hour == 24 and minute == 0:
        return dt.time(0)
    if hour > 23 or minute > 59:
        raise HoursError(_("“%(text)s”不是有效的时间，请写成 08:30 这样的格式。") % {"text": text})
    return dt.time(hour, minute)


_DAY_WORDS = {
    "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7,
}  # fmt: skip
_EVERY_DAY = {"每天", "每日", "daily", "全周"}
_CLOSED_WORDS = {"closed", "休息", "闭馆", "不开放", "关闭"}


def _day(token: str) -> int:
    token = token.strip().lower()
    for prefix in ("星期", "礼拜", "周"):
        if token.startswith(prefix):
            token = token[len(prefix) :]
    if token.isdigit() and 1 <= int(token) <= 7:
        return int(token)
    if token[:3] in _DAY_WORDS:
        return _DAY_WORDS[token[:3]]
    if token in _DAY_WORDS:
        return _DAY_WORDS[token]
    raise HoursError(_("“%(text)s”不是星期几。") % {"text": token})


def _days(spec: str) -> list[int]:
    spec = spec.strip()
    if spec.lower() in _EVERY_DAY:
        return list(range(1, 8))
    days: list[int] = []
    for part in re.split(r"[,，、/]", spec):
        bounds = re.split(r"\s*(?:-|–|~|至|到)\s*", part.strip())
        if len(bounds) == 1:
            days.append(_day(bounds[0]))
        elif len(bounds) == 2:
            first, last = _day(bounds[0]), _day(bounds[1])
            if last < first:
                raise HoursError(_("星期范围“%(text)s”的起止顺序不对。") % {"text": part})
            days.extend(range(first, last + 1))
        else:
            raise HoursError(_("“%(text)s”不是星期几。") % {"text": part})
    return days


def parse_span(text: str) -> tuple[dt.time, dt.time]:
    parts = re.split(r"\s*(?:-|–|~|至|到)\s*", text.strip())
    if len(parts) != 2:
        raise HoursError(_("“%(text)s”不是时间段，请写成 08:00-18:00。") % {"text": text})
    return parse_time(parts[0]), parse_time(parts[1], closing=True)


def parse_weekly(text: str) -> list[Interval]:
    """``"周一至周五 08:00-12:00,14:00-18:00; 周六 09:00-17:00"`` -> intervals.

    Lines or semicolons separate rules; each rule is days, a space, then comma-separated spans.
    Days: 1-7, mon-sun, 周一-周日 (ranges with - or 至), or 每天. A rule's spans may be
    ``休息``/``closed`` to state a day off. Empty text means no regular hours. Traditional
    script reads as Simplified (週一至週五), so each language's own display parses back."""
    intervals: list[Interval] = []
    for number, rule in enumerate(re.split(r"[;；\n]", to_simplified(text or "")), start=1):
        rule = rule.strip()
        if not rule:
            continue
        pieces = rule.split(None, 1)
        if len(pieces) != 2:
            raise HoursError(
                _("第%(n)d条“%(rule)s”：请写成“星期 时间段”，例如“周一至周五 08:00-18:00”。")
                % {"n": number, "rule": rule}
            )
        day_spec, spans = pieces
        try:
            days = _days(day_spec)
            if spans.strip().lower() in _CLOSED_WORDS:
                continue
            parsed = [parse_span(span) for span in re.split(r"[,，、]", spans) if span.strip()]
        except HoursError as exc:
            raise HoursError(_("第%(n)d条：%(error)s") % {"n": number, "error": exc}) from None
        intervals.extend(Interval(day, opens, closes) for day in days for opens, closes in parsed)
    intervals = sorted(set(intervals))
    check_weekly(intervals)
    return intervals


def format_weekly(intervals: Iterable[Interval], *, localized: bool = False) -> str:
    """The canonical text of a week: one rule per weekday, in order; parses back to the same.
    ``localized`` names the days in the reader's language (Mon, 週一), which parse back too."""
    names = weekday_name if localized else WEEKDAY_LABELS.__getitem__
    by_day: dict[int, list[Interval]] = {}
    for interval in sorted(intervals):
        by_day.setdefault(interval.weekday, []).append(interval)
    return "\n".join(
        f"{names(day)} {','.join(i.label() for i in spans)}"
        for day, spans in sorted(by_day.items())
    )


def _week_span(interval: Interval) -> tuple[int, int]:
    start = (interval.weekday - 1) * 24 * 60 + _minute(interval.opens)
    return start, start + interval.minutes


def check_weekly(intervals: Sequence[Interval]) -> None:
    """Refuse overlaps, including an overnight interval running into the next day's hours and
    Sunday night into Monday."""
    spans = sorted(_week_span(i) for i in intervals)
    for index, (start, end) in enumerate(spans):
        for other_start, other_end in spans[index + 1 :]:
            for shift in (0, WEEK_MINUTES, -WEEK_MINUTES):
                if other_start + shift < end and start < other_end + shift:
                    raise HoursError(_("营业时间段互相重叠，请合并或调整。"))


def check_exceptions(exceptions: Sequence[Exception_]) -> None:
    for item in exceptions:
        if item.end < item.start:
            raise HoursError(_("结束日期不能早于开始日期。"))
        if not item.closed and (item.opens is None or item.closes is None):
            raise HoursError(_("特殊营业时间需要填写开门和关门时间。"))
    ordered = sorted(exceptions, key=lambda e: e.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            raise HoursError(
                _("%(a)s 至 %(b)s 与 %(c)s 至 %(d)s 的例外安排重叠。")
                % {"a": before.start, "b": before.end, "c": after.start, "d": after.end}
            )


def spans_opening_on(
    day: dt.date, weekly: Sequence[Interval], exceptions: Sequence[Exception_]
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (naive local) opening spans that start on ``day``."""
    for item in exceptions:
        if item.covers(day):
            if item.closed:
                return []
            special = Interval(day.isoweekday(), item.opens, item.closes)
            start = dt.datetime.combine(day, special.opens)
            return [(start, start + dt.timedelta(minutes=special.minutes))]
    weekday = day.isoweekday()
    spans = []
    for interval in weekly:
        if interval.weekday == weekday:
            start = dt.datetime.combine(day, interval.opens)
            spans.append((start, start + dt.timedelta(minutes=interval.minutes)))
    return spans


def local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return at.astimezone(SHANGHAI).replace(tzinfo=None)


def is_open(weekly: Sequence[Interval], exceptions: Sequence[Exception_], at: dt.datetime) -> bool:
    now = local(at)
    for day in (now.date() - DAY, now.date()):
        for start, end in spans_opening_on(day, weekly, exceptions):
            if start <= now < end:
                return True
    return False


def today_label(
    weekly: Sequence[Interval], exceptions: Sequence[Exception_], at: dt.datetime
) -> str:
    spans = spans_opening_on(local(at).date(), weekly, exceptions)
    if not spans:
        return _("今日不开放")
    return ",".join(
        f"{start:%H:%M}-{'24:00' if end.time() == dt.time(0) else f'{end:%H:%M}'}"
        for start, end in spans
    )


# The state a worker needs: open (until when), opens later today, or closed today (and when next).
OPEN = "open"
OPENS_LATER = "opens_later"
CLOSED_TODAY = "closed_today"
# How far ahead to look for the next opening or closing; a gap-free stretch that long is
# "round the clock", and a station with no opening in it "has no opening hours soon".
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class State:
    state: str  # OPEN, OPENS_LATER or CLOSED_TODAY
    opens_at: dt.datetime | None = None  # aware (Shanghai); the next opening when not open
    closes_at: dt.datetime | None = None  # aware; None while open means round the clock
    opened_today: bool = False  # closed now, but it had hours earlier today

    def label(self, at: dt.datetime) -> str:
        """``营业中，21:00 关门`` / ``07:00 开门`` / ``今日已关门，明天 07:00 开门``."""
        today = local(at).date()
        if self.state == OPEN:
            if self.closes_at is None:
                return _("营业中，24小时开放")
            closes = self.closes_at.replace(tzinfo=None)
            return _("营业中，%(time)s 关门") % {"time": _when(closes, today)}
        if self.opens_at is None:
            return _("今日不开放，近期没有开放时间")
        opens = self.opens_at.replace(tzinfo=None)
        if self.state == OPENS_LATER:
            return _("%(time)s 开门") % {"time": f"{opens:%H:%M}"}
        if self.opened_today:
            return _("今日已关门，%(time)s 开门") % {"time": _when(opens, today)}
        return _("今日不开放，%(time)s 开门") % {"time": _when(opens, today)}


def _when(moment: dt.datetime, today: dt.date) -> str:
    """A local moment said relative to today: ``07:00``, ``明天 07:00``, ``周一 07:00``."""
    days = (moment.date() - today).days
    clock = f"{moment:%H:%M}"
    if days <= 0:
        return clock
    if days == 1:
        return _("明天 %(time)s") % {"time": clock}
    if days < 7:
        return f"{weekday_name(moment.isoweekday())} {clock}"
    return f"{moment:%m-%d} {clock}"


def _spans_from(
    day: dt.date, weekly: Sequence[Interval], exceptions: Sequence[Exception_], days: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    spans = []
    for offset in range(days):
        spans.extend(spans_opening_on(day + offset * DAY, weekly, exceptions))
    return sorted(spans)


def state_at(
    weekly: Sequence[Interval], exceptions: Sequence[Exception_], at: dt.datetime
) -> State:
    """Open now (and until when: back-to-back spans such as 每天 00:00-24:00 are one stretch),
    or when it opens next: later today, or not today at all."""
    now = local(at)
    spans = _spans_from(now.date() - DAY, weekly, exceptions, LOOKAHEAD_DAYS + 1)
    for index, (start, end) in enumerate(spans):
        if start <= now < end:
            for next_start, next_end in spans[index + 1 :]:
                if next_start > end:
                    break
                end = max(end, next_end)
            if end >= spans[-1][1]:  # no gap before the horizon: round the clock
                return State(OPEN)
            return State(OPEN, closes_at=end.replace(tzinfo=SHANGHAI))
    upcoming = [start for start, _end in spans if start > now]
    earlier = any(start.date() == now.date() for start, _end in spans if start <= now)
    if not upcoming:
        return State(CLOSED_TODAY, opened_today=earlier)
    opens = upcoming[0]
    kind = OPENS_LATER if opens.date() == now.date() else CLOSED_TODAY
    return State(kind, opens_at=opens.replace(tzinfo=SHANGHAI), opened_today=earlier)
