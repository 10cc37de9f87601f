"""Demo trainings: a few open courses near the demo places, their sessions on working days
between 09:00 and 17:00 Beijing time, whenever the demo is built. Idempotent."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from gonghui.cases.calendar import exceptions as holiday_exceptions
from gonghui.cases.calendar import is_workday
from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization

from . import services
from .choices import TrainingKind
from .models import TrainingCourse


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
# Classes start in working hours, Beijing time, and finish by 17:00.
CLASS_STARTS = (datetime.time(9, 0), datetime.time(14, 0))
CLASS_HOURS = 2


def working_slot(
    day: datetime.date, start: datetime.time, days_off: dict | None = None
) -> datetime.datetime:
    """``start`` (Beijing time) on ``day``, or on the next working day if ``day`` is a weekend
    or public holiday (make-up working days count)."""
    days_off = holiday_exceptions(day) if days_off is None else days_off
    while not is_workday(day, days_off):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, start, tzinfo=BEIJING)


def _services(stdout) -> int:
    """Open trainings near the demo places. Sessions fall on working days between 09:00 and
    17:00 Beijing time, whenever the demo is built."""
    created = 0
    first_day = timezone.now().astimezone(BEIJING).date() + datetime.timedelta(days=1)
    days_off = holiday_exceptions(first_day)
    courses = [
        ("新屋岭社区工会联合会", TrainingKind.MOBILE_CLASS, "流动课堂：新就业形态劳动者权益保障",
         "浏阳市集里街道新屋岭社区职工之家", 28.1745, 113.6520, 30),
        ("连云区总工会", TrainingKind.NIGHT_SCHOOL, "劳动者夜校：货车司机安全驾驶与应急救护",
         "连云区货车司机之家", 34.7600, 119.3730, 40),
        ("银川经济技术开发区工会", TrainingKind.CRAFTSMAN_ACADEMY, "工匠学院：数控加工技能提升班",
         "银川经开区职工培训中心", 38.4680, 106.1720, 25),
    ]  # fmt: skip
    for number, (org_name, kind, title, place, lat, lon, capacity) in enumerate(courses):
        org = _org(org_name)
        if org is None or TrainingCourse.objects.filter(org=org, title=title).exists():
            continue
        course = services.course_create(actor=SYSTEM, org=org, kind=kind, title=title,
                                        description="面向一线职工，免费报名。")  # fmt: skip
        for week in (0, 1, 2):
            day = first_day + datetime.timedelta(days=7 * week)
            starts = working_slot(day, CLASS_STARTS[number % len(CLASS_STARTS)], days_off)
            services.session_create(
                actor=SYSTEM, course=course, starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=CLASS_HOURS), place=place,
                latitude=lat, longitude=lon, capacity=capacity,
            )  # fmt: skip
        created += 1
    return created


@transaction.atomic
def load_demo(stdout) -> int:
    created = _services(stdout)
    stdout.write(f"learning demo: {created} courses created")
    return created
