"""Demo jobs and discounts near the demo places, for the public pages. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization

from . import services
from .choices import DiscountCategory, JobCategory
from .models import Discount, JobPosting


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


def _services(stdout) -> int:
    """Open jobs and discounts near the demo places (relative to today)."""
    created = 0
    today = timezone.localdate()
    jobs = [
        ("新屋岭社区工会联合会", "快递分拣员", "浏阳市集里花炮配送有限公司", JobCategory.LOGISTICS,
         4500, 6500, "浏阳市集里街道", 28.1760, 113.6540),
        ("新屋岭社区工会联合会", "家政服务员", "浏阳市集里家政服务社", JobCategory.CARE,
         4000, 7000, "浏阳市集里街道", 28.1700, 113.6500),
        ("连云区总工会", "重型货车司机", "连云区物流配送站", JobCategory.LOGISTICS,
         8000, 12000, "连云区墟沟", 34.7620, 119.3750),
        ("银川经济技术开发区工会", "数控车工", "宁夏小巨人机床有限公司", JobCategory.MANUFACTURING,
         6000, 9000, "银川经开区", 38.4680, 106.1720),
    ]  # fmt: skip
    for org_name, title, employer, category, low, high, place, lat, lon in jobs:
        org = _org(org_name)
        if org is None or JobPosting.objects.filter(org=org, title=title).exists():
            continue
        services.job_create(
            actor=SYSTEM, org=org, title=title, employer=employer, category=category,
            pay_min=low, pay_max=high, place=place, latitude=lat, longitude=lon,
            contact="工会服务热线 12351", expires_on=today + datetime.timedelta(days=60),
        )  # fmt: skip
        created += 1
    discounts = [
        ("新屋岭社区工会联合会", "集里职工食堂", "会员就餐九折", DiscountCategory.FOOD,
         "浏阳市集里街道", 28.1750, 113.6530),
        ("连云区总工会", "连云区汽修联盟", "货车司机会员保养八五折", DiscountCategory.VEHICLE,
         "连云区墟沟", 34.7610, 119.3740),
        ("银川经济技术开发区工会", "经开区职工超市", "会员日满100减10", DiscountCategory.SHOPPING,
         "银川经开区", 38.4690, 106.1730),
    ]  # fmt: skip
    for org_name, merchant, offer, category, place, lat, lon in discounts:
        org = _org(org_name)
        if org is None or Discount.objects.filter(org=org, merchant=merchant).exists():
            continue
        services.discount_create(
            actor=SYSTEM, org=org, merchant=merchant, offer=offer, category=category,
            valid_from=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=180), place=place, latitude=lat,
            longitude=lon,
        )  # fmt: skip
        created += 1
    return created


@transaction.atomic
def load_demo(stdout) -> int:
    created = _services(stdout)
    stdout.write(f"benefits demo: {created} rows created")
    return created
