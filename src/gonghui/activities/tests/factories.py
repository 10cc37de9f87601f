"""Test data built through the services, as an officer would build it."""

import datetime
import itertools

from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises.tests.factories import enterprise
from gonghui.members.tests.factories import make_member

from .. import services
from ..choices import AgreementLevel, CampaignKind, JobCategory, TrainingKind

_serial = itertools.count(1)
TODAY = datetime.date.today


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


def contest(org, *, actor=SYSTEM, **fields):
    today = timezone.localdate()
    fields.setdefault("name", f"技能竞赛{next(_serial)}")
    fields.setdefault("starts_on", today - datetime.timedelta(days=10))
    fields.setdefault("ends_on", today + datetime.timedelta(days=10))
    fields.setdefault("rounds", ["初赛", "决赛"])
    return services.contest_create(actor=actor, org=org, **fields)


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
