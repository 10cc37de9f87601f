"""Demo members on the demo tree: clearly synthetic people (names start with 演示) with
checksum-valid but made-up ID numbers, around the real places of the reports. Idempotent: the
same people are generated every run, and joining twice finds the existing record."""

from __future__ import annotations

import datetime
import random

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises.models import Enterprise
from gonghui.organizations.models import Organization

from . import services
from .choices import JoinChannel, MemberStatus, OccupationGroup
from .ids import synthetic_id_card
from .models import Member

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉鹏红建飞波斌宇浩凯健俊帆"

# (union name, how many, region code of the workers' ID numbers, groups, employer, place, lat, lon)
SITES = [
    ("漯河港航物流园区项目工会", 120, "411103",
     [OccupationGroup.TRUCK_DRIVER, OccupationGroup.COURIER, OccupationGroup.OTHER],
     "漯河港航物流园", "郾城区港航物流园区", 33.5600, 114.0600),
    ("新屋岭快递物流行业工会", 60, "430181", [OccupationGroup.COURIER],
     "", "浏阳市集里街道新屋岭社区", 28.1745, 113.6520),
    ("新屋岭外卖配送行业工会", 60, "430181", [OccupationGroup.FOOD_DELIVERY],
     "", "浏阳市集里街道新屋岭社区", 28.1745, 113.6520),
    ("新屋岭家政服务行业工会", 30, "430181", [OccupationGroup.DOMESTIC_WORKER],
     "", "浏阳市集里街道", 28.1700, 113.6500),
    ("新屋岭网约车司机行业工会", 30, "430181", [OccupationGroup.RIDE_HAILING_DRIVER],
     "", "浏阳市集里街道", 28.1700, 113.6500),
    ("芷江侗族自治县快递物流行业工会", 80, "431228", [OccupationGroup.COURIER],
     "", "芷江侗族自治县", 27.4430, 109.6850),
]  # fmt: skip

# Registered employers (enterprises.demo) of the first members of a union, so membership
# coverage (members linked to an enterprise / its employees) reads a real figure.
EMPLOYERS = {
    "新屋岭快递物流行业工会": ("浏阳市集里花炮配送有限公司", 40),
    "新屋岭外卖配送行业工会": ("浏阳市集里外卖配送站", 25),
}


def _person(rng: random.Random, region: str, serial: int) -> tuple[str, str, str]:
    name = (
        "演示"
        + rng.choice(SURNAMES)
        + rng.choice(GIVEN)
        + (rng.choice(GIVEN) if serial % 3 else "")
    )
    birth = datetime.date(1968, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 38))
    number = synthetic_id_card(region, birth, serial)
    phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    return name, number, phone


def load_demo(stdout) -> None:
    created = 0
    for union_name, count, region, groups, employer, place, lat, lon in SITES:
        union = Organization.objects.filter(name=union_name).first()
        if union is None:
            stdout.write(f"members demo: {union_name} not in the tree, skipped")
            continue
        rng = random.Random(f"gonghui-demo-{union_name}")
        employer_name, linked = EMPLOYERS.get(union_name, ("", 0))
        enterprise = Enterprise.objects.filter(name=employer_name).first() if linked else None
        for serial in range(count):
            name, number, phone = _person(rng, region, serial)
            joined = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
            result = services.member_join(
                actor=SYSTEM,
                union=union,
                name=name,
                id_card=number,
                phone=phone,
                occupation_group=rng.choice(groups),
                employer_name=employer,
                work_place=place,
                channel=JoinChannel.OFFICER,
                joined_on=joined,
                work_latitude=round(lat + rng.uniform(-0.03, 0.03), 6),
                work_longitude=round(lon + rng.uniform(-0.03, 0.03), 6),
                home_latitude=round(lat + rng.uniform(-0.06, 0.06), 6),
                home_longitude=round(lon + rng.uniform(-0.06, 0.06), 6),
            )
            created += result.created
            if enterprise is not None and serial < linked and result.member.employer_id is None:
                services.member_update(actor=SYSTEM, member=result.member, employer=enterprise)
            # A few histories worth looking at: some lapse (and lose their card).
            if result.created and serial % 40 == 39:
                services.member_set_status(
                    actor=SYSTEM, member=result.member, status=MemberStatus.LAPSED,
                    reason="unemployed",
                )  # fmt: skip
    total = Member.objects.count()
    stdout.write(f"members demo: {created} members created, {total} in all")
