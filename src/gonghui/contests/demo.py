"""Demo contests of 银川经开区: 39 skills contests with 25,000 entry rows in all, 20 经开工匠
(awarded through nomination, review and public notice) and 39 craftsman studios. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization

from . import services
from .choices import CraftsmanStatus
from .models import Contest, ContestEntry, Craftsman, CraftsmanStudio

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"

YINCHUAN_CONTESTS = 39
YINCHUAN_ENTRIES = 25_000
YINCHUAN_CRAFTSMEN = 20
YINCHUAN_STUDIOS = 39

CONTEST_TRADES = [
    "数控车工", "焊工", "电工", "钳工", "铣工", "装配钳工", "机床装调维修工", "工业机器人操作",
    "铸造工", "化工总控工", "电子商务直播", "叉车司机", "物流管理员", "网络安全",
]  # fmt: skip


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


def _yinchuan(stdout) -> int:
    park = _org("银川经济技术开发区工会")
    if park is None:
        stdout.write("contests demo: 银川经开区 not in the tree, skipped")
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
            # A live-stream selling contest records sales beside the judges' score.
            metric = {"metric_name": "销售额", "metric_unit": "元"} if "直播" in trade else {}
            contest = services.contest_create(
                actor=SYSTEM, org=park, name=name, trade=trade, starts_on=start,
                ends_on=start + datetime.timedelta(days=30), rounds=["初赛", "决赛"], **metric,
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


@transaction.atomic
def load_demo(stdout) -> int:
    created = _yinchuan(stdout)
    stdout.write(
        f"contests demo: {created} rows created ({ContestEntry.objects.count()} contest entries, "
        f"{Craftsman.objects.filter(status=CraftsmanStatus.AWARDED).count()} craftsmen)"
    )
    return created
