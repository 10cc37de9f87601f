"""Test data built through the services, as an officer would build it."""

import datetime
import itertools

from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.members.tests.factories import make_member

from .. import services
from ..choices import CampaignKind

_serial = itertools.count(1)


def campaign(org, *, actor=SYSTEM, items=("防暑降温物资",), **fields):
    today = timezone.localdate()
    fields.setdefault("name", f"测试送清凉{next(_serial)}")
    fields.setdefault("kind", CampaignKind.SUMMER_COOLING)
    fields.setdefault("starts_on", today - datetime.timedelta(days=5))
    fields.setdefault("ends_on", today + datetime.timedelta(days=30))
    return services.campaign_create(
        actor=actor,
        organizer=org,
        items=[{"name": name, "quantity": 100} for name in items],
        **fields,
    )


def member(union, **fields):
    return make_member(union, **fields)
