"""Demo data for the service hall, on the real places of the reports: cases at 娄星区's one-stop
hall (衡南县's aid is in ``gonghui.aid.demo``). People are clearly synthetic (names start with
演示). Idempotent: every row is looked up before it is made, so running twice adds nothing."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.joining.services import worker_account_for_phone
from gonghui.members import services as member_services
from gonghui.members.choices import JoinChannel, OccupationGroup
from gonghui.members.ids import synthetic_id_card
from gonghui.organizations.models import Organization

from . import defaults, services
from .choices import CaseStatus
from .models import Case, CaseType, Holiday

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉鹏红建飞波斌宇浩凯健俊帆"

# (type code, title, description, answers, final status, days ago submitted, rating)
LOUXING_CASES = [
    ("wage_arrears", "工地欠薪两个月", "在娄星区某工地做钢筋工，两个月工资未结。",
     {"employer": "娄底某建筑劳务公司", "amount_owed": "14000", "workers_affected": "12"},
     CaseStatus.CLOSED, 40, 5),
    ("legal_aid", "工伤认定咨询", "干活时从脚手架摔下，公司不给报工伤。",
     {"matter": "工伤认定", "employer": "娄底某建材厂"}, CaseStatus.IN_PROGRESS, 12, None),
    ("mediation", "解除劳动合同无补偿", "公司口头辞退，没有任何补偿。",
     {"employer": "娄星区某商贸公司", "dispute": "违法解除劳动合同"}, CaseStatus.ACCEPTED, 5, None),
    ("counselling", "工作压力大想找人聊聊", "夜班太多，睡不好。", {"contact_time": "晚上8点后"},
     CaseStatus.RESOLVED, 9, None),
    ("employment", "求职帮扶", "工厂停产，想找仓储类工作。", {"wanted_job": "仓储管理"},
     CaseStatus.CLOSED, 30, 4),
    ("petition", "反映社保断缴", "公司三个月没有缴社保。", {}, CaseStatus.SUBMITTED, 1, None),
    ("medical_mutual_aid", "住院医疗互助申请", "阑尾炎手术住院五天。",
     {"hospital": "娄底市中心医院", "medical_cost": "8600"}, CaseStatus.ACCEPTED, 6, None),
    ("wage_arrears", "外卖平台站点拖欠提成", "站点两个月提成未发放。",
     {"employer": "娄星区某配送站", "amount_owed": "5200"}, CaseStatus.SUBMITTED, 20, None),
    ("other", "咨询会员服务", "想了解会员普惠有哪些。", {}, CaseStatus.REJECTED, 15, None),
]  # fmt: skip

# Each target status is reached by these moves, in order (officer moves, then the worker's).
PATHS = {
    CaseStatus.SUBMITTED: [],
    CaseStatus.ACCEPTED: [CaseStatus.ACCEPTED],
    CaseStatus.IN_PROGRESS: [CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS],
    CaseStatus.RESOLVED: [CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED],
    CaseStatus.CLOSED: [
        CaseStatus.ACCEPTED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.RESOLVED,
        CaseStatus.CLOSED,
    ],
    CaseStatus.REJECTED: [CaseStatus.REJECTED],
}


def _person(rng: random.Random, region: str, serial: int, birth_year: int):
    name = "演示" + rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    birth = datetime.date(birth_year, 1, 1) + datetime.timedelta(days=serial % 365)
    number = synthetic_id_card(region, birth, serial)
    phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    return name, number, phone


def demo_member(union, rng, region, serial, birth_year, group=OccupationGroup.OTHER):
    name, number, phone = _person(rng, region, serial, birth_year)
    return member_services.member_join(
        actor=SYSTEM, union=union, name=name, id_card=number, phone=phone,
        occupation_group=group, channel=JoinChannel.OFFICER,
    ).member  # fmt: skip


def _louxing_cases(stdout) -> int:
    street = Organization.objects.filter(name="娄星区大科街道工会").first()
    if street is None:
        stdout.write("cases demo: 娄星区大科街道工会 not in the tree, skipped")
        return 0
    rng = random.Random("gonghui-demo-louxing-cases")
    types = {t.code: t for t in CaseType.objects.all()}
    created = 0
    today = timezone.localdate()
    for serial, (code, title, text, answers, target, ago, rating) in enumerate(LOUXING_CASES):
        member = demo_member(street, rng, "431302", 900 + serial, 1979)
        if Case.objects.filter(member=member, title=title).exists():
            continue
        worker = worker_account_for_phone(phone=member.phone, member=member)
        case = services.case_submit(
            actor=worker, member=member, case_type=types[code], title=title, description=text,
            form_data=answers, today=today - datetime.timedelta(days=ago),
        )  # fmt: skip
        for step in PATHS[target]:
            is_worker_step = step == CaseStatus.CLOSED
            case = services.case_transition(
                actor=worker if is_worker_step else SYSTEM,
                case=case,
                to_status=step,
                expected_version=case.version,
                reason="不属于工会受理范围，已引导至社保窗口"
                if step == CaseStatus.REJECTED
                else "",
                rating=rating if is_worker_step else None,
                comment="办得快，态度好" if is_worker_step else "",
            )
            if step == CaseStatus.ACCEPTED:
                services.case_reply(
                    actor=SYSTEM, case=case, body="已受理，专人跟进，请保持电话畅通。"
                )
        created += 1
    return created


def load_demo(stdout) -> None:
    seeded = defaults.seed(CaseType, Holiday)
    cases = _louxing_cases(stdout)
    stdout.write(f"cases demo: {seeded} config rows, {cases} 娄星区 cases added")
