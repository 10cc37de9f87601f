"""Demo campaigns that reproduce 连云区's figures from records, not from typed totals: 送清凉 to
240 truck drivers, 送温暖 gift packs to 220 couriers, 送体检 for 129 female couriers (demo members
of the district's two industry unions, names starting with 演示). Idempotent: keyed on names, and
deliveries already present are not added again."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.members.choices import JoinChannel, OccupationGroup
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import Member
from gonghui.members.services import member_join
from gonghui.organizations.models import Organization

from . import services
from .choices import CampaignKind
from .models import Campaign

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉鹏红建飞波斌宇浩凯健俊帆"

TRUCK_DRIVERS = 240
COURIERS = 220
FEMALE_COURIERS = 129


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


def _name(rng: random.Random) -> str:
    return "演示" + rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _members(union, *, count, group, region, offset, female_first=0, place=""):
    """``count`` demo members of ``union`` (the first ``female_first`` women), created once."""
    rng = random.Random(f"activities-demo-{union.name}")
    members = []
    for i in range(count):
        serial = offset + i
        birth = datetime.date(1972, 1, 1) + datetime.timedelta(days=(serial * 37) % 9000)
        female = True if i < female_first else (False if female_first else None)
        result = member_join(
            actor=SYSTEM,
            union=union,
            name=_name(rng),
            id_card=synthetic_id_card(region, birth, serial % 1000, female=female),
            phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            occupation_group=group,
            work_place=place,
            channel=JoinChannel.OFFICER,
            joined_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=i % 300),
        )
        members.append(result.member)
    return members


def _campaign(organizer, name, **fields):
    campaign = Campaign.objects.filter(organizer=organizer, name=name).first()
    if campaign is None:
        items = fields.pop("items")
        campaign = services.campaign_create(
            actor=SYSTEM, organizer=organizer, name=name, items=items, **fields
        )
    return campaign


def _deliver(campaign, item_name, members, *, site, start, minutes=6):
    item = campaign.items.get(name=item_name)
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time(8, 0), tzinfo=tz)
    rows = [
        (member, first + datetime.timedelta(days=i // 60, minutes=(i % 60) * minutes))
        for i, member in enumerate(members)
    ]
    return services.deliveries_import(
        actor=SYSTEM, campaign=campaign, item=item, rows=rows, site=site
    )


def _lianyun(stdout) -> int:
    county = _org("连云区总工会")
    trucks_union = _org("连云区货车司机工会联合会")
    couriers_union = _org("连云区快递行业工会联合会")
    if not (county and trucks_union and couriers_union):
        stdout.write("campaigns demo: 连云区 not in the tree, skipped")
        return 0
    drivers = _members(trucks_union, count=TRUCK_DRIVERS, group=OccupationGroup.TRUCK_DRIVER,
                       region="320703", offset=0, place="连云区墟沟")  # fmt: skip
    couriers = _members(couriers_union, count=COURIERS, group=OccupationGroup.COURIER,
                        region="320703", offset=TRUCK_DRIVERS, female_first=FEMALE_COURIERS,
                        place="连云区中山路")  # fmt: skip
    cooling = _campaign(
        county, "2025年连云区“送清凉”·货车司机",
        kind=CampaignKind.SUMMER_COOLING, starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2025, 8, 31), target_groups=[OccupationGroup.TRUCK_DRIVER],
        budget=72000, description="为货车司机送去防暑降温物资和车载急救包。",
        items=[{"name": "防暑降温物资", "quantity": 240}, {"name": "车载急救包", "quantity": 240}],
    )  # fmt: skip
    warmth = _campaign(
        county, "2026年连云区“送温暖”·快递员暖心礼包",
        kind=CampaignKind.WINTER_WARMTH, starts_on=datetime.date(2026, 1, 10),
        ends_on=datetime.date(2026, 2, 10), target_groups=[OccupationGroup.COURIER],
        budget=44000, items=[{"name": "暖心礼包", "quantity": 220}],
    )  # fmt: skip
    screening = _campaign(
        county, "2025年连云区“送体检”·女快递员健康体检",
        kind=CampaignKind.HEALTH_CHECK, starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 10, 31), target_groups=[OccupationGroup.COURIER],
        target_gender="F", budget=51600, items=[{"name": "女职工健康体检套餐", "quantity": 129}],
    )  # fmt: skip
    created = _deliver(cooling, "防暑降温物资", drivers, site="连云区墟沟货运停车场",
                       start=datetime.date(2025, 7, 15))  # fmt: skip
    created += _deliver(cooling, "车载急救包", drivers, site="连云区墟沟货运停车场",
                        start=datetime.date(2025, 7, 15))  # fmt: skip
    created += _deliver(warmth, "暖心礼包", couriers, site="连云区快递行业职工之家",
                        start=datetime.date(2026, 1, 15))  # fmt: skip
    women = [m for m in couriers if m.gender == "F"][:FEMALE_COURIERS]
    created += _deliver(screening, "女职工健康体检套餐", women, site="连云区第一人民医院体检中心",
                        start=datetime.date(2025, 9, 10))  # fmt: skip
    return created


@transaction.atomic
def load_demo(stdout) -> int:
    created = _lianyun(stdout)
    members = Member.objects.filter(union__name__startswith="连云区").count()
    stdout.write(f"campaigns demo: {created} rows created ({members} 连云区 members)")
    return created
