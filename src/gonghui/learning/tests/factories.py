"""Test data built through the services, as an officer would build it."""

import datetime
import itertools

from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.members.tests.factories import make_member

from .. import services
from ..choices import TrainingKind

_serial = itertools.count(1)


def session(org, *, capacity=2, actor=SYSTEM, days=3, **fields):
    course = services.course_create(
        actor=actor, org=org, kind=TrainingKind.NIGHT_SCHOOL, title=f"劳动者夜校{next(_serial)}"
    )
    starts = timezone.now() + datetime.timedelta(days=days)
    return services.session_create(
        actor=actor,
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place=fields.pop("place", "职工之家"),
        capacity=capacity,
        **fields,
    )


def member(union, **fields):
    return make_member(union, **fields)
