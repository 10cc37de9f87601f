"""Demo governance: the account-manager grants of the demo's changsha and hunan accounts; Hunan's
county unions each paired with a provincial department (full 对口联系 coverage); committees with
their terms and chairs, one 换届 overdue; the 六强 indicators of the year and 浏阳市's evaluation
carried through self-assessment, city review and province sign-off. Idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.choices import GrantRole
from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.services import role_grant_add
from gonghui.core.scoping import SYSTEM
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.models import Organization

from . import services
from .choices import Dimension, EvaluationStatus, Measure, SeatRole
from .models import Committee, Department, Evaluation, Indicator, Pairing

DEPARTMENTS = [
    "湖南省人力资源和社会保障厅",
    "湖南省财政厅",
    "湖南省发展和改革委员会",
    "湖南省教育厅",
    "湖南省民政厅",
    "湖南省住房和城乡建设厅",
    "湖南省交通运输厅",
    "湖南省卫生健康委员会",
    "湖南省应急管理厅",
    "湖南省市场监督管理局",
    "湖南省农业农村厅",
    "湖南省商务厅",
]

# (dimension, name, measure, weight, target)
INDICATORS = [
    (Dimension.POLITICAL, "开展思想政治引领活动", Measure.EVIDENCE, "15", None),
    (Dimension.ORGANIZATION, "25人以上企业建会率", Measure.FORMATION_RATE, "10", "90"),
    (Dimension.ORGANIZATION, "职工入会率", Measure.MEMBERSHIP_RATE, "10", "85"),
    (Dimension.TEAM, "基层工会按期换届", Measure.COMMITTEES_IN_TERM, "10", "95"),
    (Dimension.TEAM, "工会干部培训", Measure.EVIDENCE, "5", None),
    (Dimension.INSTITUTION, "职代会建制率", Measure.CONGRESS_RATE, "10", "90"),
    (Dimension.INSTITUTION, "工会经费审查制度落实", Measure.EVIDENCE, "5", None),
    (Dimension.POSITION, "服务阵地数量", Measure.STATIONS, "5", "5"),
    (Dimension.POSITION, "15分钟服务圈覆盖", Measure.SERVICE_CIRCLE, "5", "80"),
    (Dimension.ROLE, "诉求按时办结率", Measure.CASES_ON_TIME, "10", "95"),
    (Dimension.ROLE, "诉求满意率", Measure.SATISFACTION, "5", "90"),
    (Dimension.ROLE, "困难职工帮扶金额", Measure.AID_PAID, "10", "100000"),
]
OVERDUE_COUNTY = "衡南县总工会"
EVALUATED_COUNTY = "浏阳市总工会"
CHAIRS = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]


def _grant_managers(stdout) -> None:
    for username in ("hunan", "changsha", "liuyang"):
        user = User.objects.filter(username=username).select_related("organization").first()
        if user is None or user.organization is None:
            continue
        if not RoleGrant.objects.filter(
            user=user, organization=user.organization, role=GrantRole.ACCOUNT_MANAGER
        ).exists():
            role_grant_add(actor=SYSTEM, user=user, organization=user.organization,
                           role=GrantRole.ACCOUNT_MANAGER)  # fmt: skip


def _pairings(hunan, counties, today) -> None:
    by_name = {}
    names = list(dict.fromkeys([*(c.liaison_department for c in counties if c.liaison_department),
                                *DEPARTMENTS]))  # fmt: skip
    for name in names:
        department = Department.objects.filter(province=hunan, name=name).first()
        by_name[name] = department or services.department_create(
            actor=SYSTEM, province=hunan, name=name
        )
    spare = [n for n in names if n not in {c.liaison_department for c in counties}]
    for n, county in enumerate(counties):
        if Pairing.objects.filter(county=county).exists():
            continue
        name = county.liaison_department or spare[n % len(spare)]
        services.pairing_set(actor=SYSTEM, county=county, department=by_name[name],
                             since=datetime.date(today.year, 3, 1))  # fmt: skip


def _committees(counties, today) -> None:
    for n, county in enumerate(counties):
        if Committee.objects.filter(org=county).exists():
            continue
        if county.name == OVERDUE_COUNTY:
            starts_on = datetime.date(today.year - 6, 6, 1)  # five years ran out last year
        else:
            starts_on = datetime.date(today.year - 1 - n % 4, 3 + n % 9, 1)
        committee = services.committee_elect(
            actor=SYSTEM, org=county, starts_on=starts_on, held_on=starts_on,
            delegates=120 + n, attended=110 + n, votes_cast=108 + n,
        )  # fmt: skip
        for role, name in (
            (SeatRole.CHAIR, CHAIRS[n % len(CHAIRS)] + "主席"),
            (SeatRole.VICE_CHAIR, CHAIRS[(n + 1) % len(CHAIRS)] + "副主席"),
            (SeatRole.FUNDS_REVIEW, CHAIRS[(n + 2) % len(CHAIRS)] + "委员"),
            (SeatRole.WOMEN, CHAIRS[(n + 3) % len(CHAIRS)] + "委员"),
        ):
            services.seat_add(actor=SYSTEM, committee=committee, role=role, name=name,
                              starts_on=starts_on)  # fmt: skip


def _six_strong(hunan, year) -> Evaluation | None:
    if not Indicator.objects.filter(province=hunan, year=year).exists():
        for order, (dimension, name, measure, weight, target) in enumerate(INDICATORS):
            services.indicator_create(
                actor=SYSTEM, province=hunan, year=year, dimension=dimension, name=name,
                measure=measure, weight=Decimal(weight),
                target=Decimal(target) if target else None, order=order,
            )  # fmt: skip
    county = Organization.objects.filter(name=EVALUATED_COUNTY).first()
    if county is None:
        return None
    evaluation = Evaluation.objects.filter(county=county, year=year).first()
    if evaluation is None:
        evaluation = services.evaluation_open(actor=SYSTEM, county=county, year=year)
    for stage, comment in (
        (EvaluationStatus.DRAFT, "各项工作按计划完成，佐证材料已上传。"),
        (EvaluationStatus.SELF_SUBMITTED, "市总审核：自评基本属实。"),
        (EvaluationStatus.CITY_REVIEWED, "省总审定：同意。"),
    ):
        evaluation.refresh_from_db()
        if evaluation.status != stage:
            continue
        for score in evaluation.scores.select_related("indicator"):
            proposed = score.final if score.final is not None else score.indicator.weight
            if stage == EvaluationStatus.DRAFT and score.self_score is not None:
                continue
            # Reviewers take a point off the manual indicators and confirm the measured ones.
            if stage != EvaluationStatus.DRAFT and not score.indicator.is_data_driven:
                proposed = max(Decimal(0), proposed - 1)
            services.score_set(actor=SYSTEM, score=score, value=proposed)
        services.evaluation_advance(actor=SYSTEM, evaluation=evaluation, comment=comment)
    evaluation.refresh_from_db()
    return evaluation


@transaction.atomic
def load_demo(stdout) -> None:
    hunan = Organization.objects.filter(name="湖南省总工会", level=OrgLevel.PROVINCE).first()
    if hunan is None:
        stdout.write("governance demo: 湖南省总工会 not in the tree, skipped")
        return
    today = timezone.localdate()
    _grant_managers(stdout)
    counties = list(
        Organization.objects.filter(
            path__subtree_of=hunan.path, level=OrgLevel.COUNTY, dissolved_on__isnull=True
        ).order_by("path")
    )
    _pairings(hunan, counties, today)
    _committees(counties, today)
    evaluation = _six_strong(hunan, today.year)
    paired = Pairing.objects.filter(county__in=counties).count()
    stdout.write(
        f"governance demo: 对口联系 {paired}/{len(counties)}; "
        f"六强 {evaluation.county.name if evaluation else '-'} "
        f"{evaluation.total if evaluation else ''} ({evaluation.status if evaluation else ''})"
    )
