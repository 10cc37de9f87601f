"""Test data built through the services, as an officer would build it."""

import datetime
import itertools

from django.utils import timezone

from gonghui.core.scoping import SYSTEM

from .. import services
from ..choices import JobCategory

_serial = itertools.count(1)


def job(org, *, actor=SYSTEM, **fields):
    fields.setdefault("title", "货车司机")
    fields.setdefault("employer", "某某物流")
    fields.setdefault("category", JobCategory.LOGISTICS)
    fields.setdefault("pay_min", 5000)
    fields.setdefault("pay_max", 8000)
    fields.setdefault("place", "郾城区")
    fields.setdefault("contact", "0395-1234567")
    fields.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=30))
    return services.job_create(actor=actor, org=org, **fields)
