"""Test data built through the services, as an officer would build it."""

import datetime
import itertools

from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises.tests.factories import enterprise

from .. import services
from ..choices import AgreementLevel

_serial = itertools.count(1)


def agreement(org, *, actor=SYSTEM, **fields):
    today = timezone.localdate()
    fields.setdefault("level", AgreementLevel.REGIONAL)
    fields.setdefault("title", f"工资集体协议{next(_serial)}")
    fields.setdefault("employer_party", "企业方代表")
    fields.setdefault("worker_party", "职工方代表")
    fields.setdefault("increase_pct", 5)
    fields.setdefault("signed_on", today - datetime.timedelta(days=30))
    fields.setdefault("valid_from", today - datetime.timedelta(days=30))
    fields.setdefault("valid_until", today + datetime.timedelta(days=335))
    return services.agreement_create(actor=actor, org=org, **fields)


__all__ = ["enterprise"]
