"""Test data built through the services, as an officer would build it."""

import datetime
import itertools

from django.utils import timezone

from gonghui.core.scoping import SYSTEM

from .. import services

_serial = itertools.count(1)


def contest(org, *, actor=SYSTEM, **fields):
    today = timezone.localdate()
    fields.setdefault("name", f"技能竞赛{next(_serial)}")
    fields.setdefault("starts_on", today - datetime.timedelta(days=10))
    fields.setdefault("ends_on", today + datetime.timedelta(days=10))
    fields.setdefault("rounds", ["初赛", "决赛"])
    return services.contest_create(actor=actor, org=org, **fields)
