"""Demo activities that reproduce the reports' figures from records, not from typed totals:

- 连云区: 送清凉 to 240 truck drivers, 送温暖 gift packs to 220 couriers, 送体检 for 129 female
  couriers (the drivers and couriers are demo members of the district's two industry unions);
- 银川经开区: 39 skills contests with 25,000 entry rows in all, 20 经开工匠 (awarded through
  nomination, review and public notice) and 39 craftsman studios;
- 衡南县: 20 unionised enterprises in the industrial park, 19 with a worker congress in term
  (职代会建制率 95%);
- 新屋岭: the first community wage agreement, reached through 一函两书;
- a few open trainings, jobs and discounts for the public pages.

People are clearly synthetic (names start with 演示). Idempotent: everything is keyed on names,
and deliveries, entries and congresses already present are not added again.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.db import transaction
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.members.choices import JoinChannel, OccupationGroup
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from . import services
from .choices import (
    AgreementLevel,
    CampaignKind,
    CraftsmanStatus,
    DiscountCategory,
    JobCategory,
    LetterKind,
    ReviewStatus,
    TrainingKind,
)
from .models import (
    BargainingProcedure,
    Campaign,
    Contest,
    ContestEntry,
    Craftsman,
    CraftsmanStudio,
    Discount,
    JobPosting,
    TrainingCourse,
    WageAgreement,
    WorkerCongress,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉鹏红建飞波斌宇浩凯健俊帆"

TRUCK_DRIVERS = 240
COURIERS = 220
FEMALE_COURIERS = 129
YINCHUAN_CONTESTS = 39
YINCHUAN_ENTRIES = 25_000
YINCHUAN_CRAFTSMEN = 20
YINCHUAN_STUDIOS = 39
HENGNAN_ENTERPRISES = 20
HENGNAN_WITH_CONGRESS = 19

CONTEST_TRADES = [
    "数控车工", "焊工", "电工", "钳工", "铣工", "装配钳工", "机床装调维修工", "工业机器人操作",
    "铸造工", "化工总控工", "电子商务直播", "叉车司机", "物流管理员", "网络安全",
]  # fmt: skip


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


def _name(rng: random.Random) -> str:
    return "演示" + rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _members(union, *, count, group, region, offset, female_first=0, place=""):
    """``count`` demo members of ``union`` (the first ``female_first`` women), created once."""
    from gonghui.members.services import member_join

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
        stdout.write("activities demo: 连云区 not in the tree, skipped")
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


def _yinchuan(stdout) -> int:
    park = _org("银川经济技术开发区工会")
    if park is None:
        stdout.write("activities demo: 银川经开区 not in the tree, skipped")
        return 0
    created = 0
    per_contest, extra = divmod(YINCHUAN_ENTRIES, YINCHUAN_CONTESTS)
    employers = ["宁夏小巨人机床有限公司", "共享装备股份有限公司", "宁夏隆基硅材料有限公司",
                 "银川经开区精密铸造有限公司", "银川经开区智能装备有限公司"]  # fmt: skip
    for n in range(YINCHUAN_CONTESTS):
        trade = CONTEST_TRADES[n % len(CONTEST_TRADES)]
        name = f"2025年银川经开区职工职业技能大赛·{trade}（第{n + 1}项）"
        contest = Contest.objects.filter(org=park, name=name).first()
        if contest is None:
            start = datetime.date(2025, 3, 1) + datetime.timedelta(days=(n * 7) % 180)
            contest = services.contest_create(
                actor=SYSTEM, org=park, name=name, trade=trade, starts_on=start,
                ends_on=start + datetime.timedelta(days=30), rounds=["初赛", "决赛"],
            )  # fmt: skip
        want = per_contest + (1 if n < extra else 0)
        have = ContestEntry.objects.filter(contest=contest).count()
        if have < want:
            rows = [(f"演示选手{n + 1:02d}-{i + 1:04d}", employers[i % len(employers)])
                    for i in range(have, want)]  # fmt: skip
            created += services.contest_entries_import(actor=SYSTEM, contest=contest, rows=rows)
        if n == 0 and not contest.rounds.get(name="决赛").scores.exists():
            final = contest.rounds.get(name="决赛")
            rng = random.Random("yinchuan-final")
            for entry in ContestEntry.objects.filter(contest=contest).order_by("id")[:10]:
                services.score_record(actor=SYSTEM, contest_round=final, entry=entry,
                                      score=round(rng.uniform(70, 99), 1))  # fmt: skip
    rng = random.Random("yinchuan-craftsmen")
    craftsmen = []
    for n in range(YINCHUAN_CRAFTSMEN):
        name = f"演示工匠{n + 1:02d}" + rng.choice(SURNAMES)
        craftsman = Craftsman.objects.filter(org=park, name=name).first()
        if craftsman is None:
            craftsman = services.craftsman_nominate(
                actor=SYSTEM, org=park, name=name, employer=employers[n % len(employers)],
                trade=CONTEST_TRADES[n % len(CONTEST_TRADES)], title="经开工匠", year=2025,
            )  # fmt: skip
            services.craftsman_advance(actor=SYSTEM, craftsman=craftsman,
                                       today=datetime.date(2025, 4, 1))  # fmt: skip
            services.craftsman_advance(actor=SYSTEM, craftsman=craftsman,
                                       notice_ends_on=datetime.date(2025, 4, 20),
                                       today=datetime.date(2025, 4, 10))  # fmt: skip
            craftsman = services.craftsman_advance(actor=SYSTEM, craftsman=craftsman,
                                                   today=datetime.date(2025, 4, 28))  # fmt: skip
            created += 1
        craftsmen.append(craftsman)
    for n in range(YINCHUAN_STUDIOS):
        leader = craftsmen[n] if n < len(craftsmen) else None
        name = f"{leader.name if leader else f'演示技能大师{n + 1:02d}'}工匠创新工作室"
        if CraftsmanStudio.objects.filter(org=park, name=name).exists():
            continue
        services.studio_create(
            actor=SYSTEM, org=park, name=name, leader=leader,
            leader_name="" if leader else f"演示技能大师{n + 1:02d}",
            enterprise_name="" if leader else employers[n % len(employers)],
            established_on=datetime.date(2020 + n % 6, 1 + n % 12, 1),
        )  # fmt: skip
        created += 1
    return created


def _hengnan(stdout) -> int:
    from gonghui.enterprises.models import Enterprise
    from gonghui.enterprises.services import enterprise_create

    park = _org("衡南县工业园区工会")
    if park is None:
        stdout.write("activities demo: 衡南县 not in the tree, skipped")
        return 0
    created = 0
    trades = ["机械制造", "新材料", "食品加工", "电子科技", "纺织服装"]
    for n in range(HENGNAN_ENTERPRISES):
        first17 = f"91{park.region_code}MA{700 + n:07d}"
        code = first17 + credit_code_check_char(first17)
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            enterprise = enterprise_create(
                actor=SYSTEM, street_org=park, union=park, credit_code=code,
                name=f"衡南县演示{trades[n % len(trades)]}有限公司{n + 1}", industry="C",
                employees=60 + n * 13, established_on=datetime.date(2012 + n % 10, 5, 1),
                latitude=26.74 + 0.004 * n, longitude=112.68 + 0.005 * (n % 5),
            )  # fmt: skip
            created += 1
        if (
            n < HENGNAN_WITH_CONGRESS
            and not WorkerCongress.objects.filter(enterprise=enterprise).exists()
        ):
            start = datetime.date(2023 + n % 3, 3, 1)
            congress = services.congress_create(
                actor=SYSTEM, enterprise=enterprise, term_number=2, term_starts_on=start,
                term_ends_on=start.replace(year=start.year + 5), delegates=30 + n,
            )  # fmt: skip
            services.congress_session_add(
                actor=SYSTEM, congress=congress, held_on=start, attendees=28 + n,
                resolutions="审议通过工资集体协议草案",
            )  # fmt: skip
            created += 1
    return created


def _xinwuling(stdout) -> int:
    from gonghui.enterprises.models import Enterprise

    community = _org("新屋岭社区工会联合会")
    if community is None:
        stdout.write("activities demo: 新屋岭 not in the tree, skipped")
        return 0
    created = 0
    title = "新屋岭社区工资集体协议（首份社区工资集体协议）"
    if not WageAgreement.objects.filter(org=community, title=title).exists():
        agreement = services.agreement_create(
            actor=SYSTEM, org=community, level=AgreementLevel.REGIONAL, title=title,
            employer_party="新屋岭社区企业代表", worker_party="新屋岭社区工会联合会", rounds=3,
            increase_pct=6, covered_workers=1260, signed_on=datetime.date(2025, 4, 28),
            valid_from=datetime.date(2025, 5, 1), valid_until=datetime.date(2027, 4, 30),
            note="长沙市首份社区层面的工资集体协议。",
        )  # fmt: skip
        services.agreement_review(actor=SYSTEM, agreement=agreement, status=ReviewStatus.SUBMITTED,
                                  reviewed_on=datetime.date(2025, 5, 6))  # fmt: skip
        services.agreement_review(actor=SYSTEM, agreement=agreement, status=ReviewStatus.APPROVED,
                                  reviewed_on=datetime.date(2025, 5, 20))  # fmt: skip
        created += 1
    firm = Enterprise.objects.filter(name="浏阳市集里花炮配送有限公司").first()
    if firm is not None and not BargainingProcedure.objects.filter(enterprise=firm).exists():
        procedure = services.procedure_open(actor=SYSTEM, org=community, enterprise=firm,
                                            sent_on=datetime.date(2025, 3, 3),
                                            note="提出工资集体协商要约")  # fmt: skip
        services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind=LetterKind.RESPONSE,
                                      sent_on=datetime.date(2025, 3, 18),
                                      note="企业同意协商")  # fmt: skip
        created += 1
    return created


BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
# Classes start in working hours, Beijing time, and finish by 17:00.
CLASS_STARTS = (datetime.time(9, 0), datetime.time(14, 0))
CLASS_HOURS = 2


def _is_workday(day: datetime.date, days_off: dict) -> bool:
    try:
        from gonghui.cases.calendar import is_workday
    except ImportError:  # no cases app: weekends only
        return day.weekday() < 5
    return is_workday(day, days_off)


def _days_off(start: datetime.date) -> dict:
    try:
        from gonghui.cases.calendar import exceptions
    except ImportError:
        return {}
    return exceptions(start)


def working_slot(
    day: datetime.date, start: datetime.time, days_off: dict | None = None
) -> datetime.datetime:
    """``start`` (Beijing time) on ``day``, or on the next working day if ``day`` is a weekend
    or public holiday (make-up working days count)."""
    days_off = _days_off(day) if days_off is None else days_off
    while not _is_workday(day, days_off):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, start, tzinfo=BEIJING)


def _services(stdout) -> int:
    """Open trainings, jobs and discounts near the demo places (relative to today). Sessions
    fall on working days between 09:00 and 17:00 Beijing time, whenever the demo is built."""
    created = 0
    today = timezone.localdate()
    first_day = timezone.now().astimezone(BEIJING).date() + datetime.timedelta(days=1)
    days_off = _days_off(first_day)
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
    created = 0
    for part in (_lianyun, _yinchuan, _hengnan, _xinwuling, _services):
        created += part(stdout)
    members = Member.objects.filter(union__name__startswith="连云区").count()
    stdout.write(
        f"activities demo: {created} rows created ({members} 连云区 members, "
        f"{ContestEntry.objects.count()} contest entries, "
        f"{Craftsman.objects.filter(status=CraftsmanStatus.AWARDED).count()} craftsmen)"
    )
    return created
