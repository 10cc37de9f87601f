"""Demo triage: five construction workers in 郾城区 report the same labour subcontractor for
unpaid wages within three days (the employer written five ways), which raises one group-arrears
alert for 郾城区总工会; every demo case gets its suggestion. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from gonghui.cases import services as case_services
from gonghui.cases.models import Case, CaseType
from gonghui.core.scoping import SYSTEM
from gonghui.members import services as member_services
from gonghui.members.choices import JoinChannel, OccupationGroup
from gonghui.members.ids import synthetic_id_card
from gonghui.organizations.models import Organization

from . import services
from .models import CaseSuggestion

UNION = "郾城区城关镇工会"
# (employer as written, title, text, amount, days ago)
APPEALS = [
    (
        "漯河宏达建筑劳务有限公司",
        "工地欠薪三个月",
        "在城关镇安置房工地干钢筋工，宏达劳务三个月工资没结，包工头电话打不通。",
        21000,
        2,
    ),
    (
        "宏达建筑劳务公司",
        "包工头拖欠工钱",
        "老板说项目款没到，我们班组六个人的工钱一直拖着，快过年了。",
        16800,
        2,
    ),
    (
        "宏達建築勞務有限公司（郾城項目部）",
        "欠薪",
        "木工班的工資欠了兩個多月，項目部說找勞務公司，勞務公司說找項目部。",
        12500,
        1,
    ),
    (
        "郾城宏达建筑劳务",
        "讨要工资",
        "做了四个月小工，只拿到一个月生活费，剩下的说完工再给。",
        9600,
        1,
    ),
    (
        "宏达建筑劳务有限责任公司",
        "十几个工友工资没发",
        "我们十几个工友的工资都没发，听说老板要把设备拉走，大家很着急。",
        30000,
        0,
    ),
]


def _member(union, serial: int):
    rng = random.Random(f"gonghui-demo-triage-{serial}")
    birth = datetime.date(1978 + serial, 3, 1 + serial)
    return member_services.member_join(
        actor=SYSTEM,
        union=union,
        name="演示" + rng.choice("王李张刘陈杨黄赵") + rng.choice("伟强磊军勇杰涛明"),
        id_card=synthetic_id_card(union.region_code, birth, 4700 + serial),
        phone=f"139{rng.randrange(10**8):08d}",
        occupation_group=OccupationGroup.OTHER,
        channel=JoinChannel.OFFICER,
    ).member


def _yancheng_appeals(stdout) -> int:
    union = Organization.objects.filter(name=UNION).first()
    wage_arrears = CaseType.objects.filter(code="wage_arrears").first()
    if union is None or wage_arrears is None:
        stdout.write(f"triage demo: {UNION} or the wage-arrears type missing, skipped")
        return 0
    today = timezone.localdate()
    created = 0
    for serial, (employer, title, text, amount, ago) in enumerate(APPEALS):
        if Case.objects.filter(handling_union=union, title=title, description=text).exists():
            continue
        case_services.case_submit(
            actor=SYSTEM,
            member=_member(union, serial),
            case_type=wage_arrears,
            title=title,
            description=text,
            form_data={"employer": employer, "amount_owed": amount},
            today=today - datetime.timedelta(days=ago),
        )
        created += 1
    return created


def load_demo(stdout) -> None:
    created = _yancheng_appeals(stdout)
    triaged = 0
    for case in Case.objects.filter(triage__isnull=True).order_by("submitted_on", "id"):
        services.on_case_created(case)
        triaged += 1
    stdout.write(
        f"triage demo: {created} 郾城区 appeals added, {triaged} cases triaged, "
        f"{CaseSuggestion.objects.count()} suggestions"
    )
