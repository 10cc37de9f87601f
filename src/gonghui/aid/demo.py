"""Demo aid on the real places of the reports: 衡南县's hardship aid (184万元 paid out) and its
medical mutual aid (205 units, 18,566 workers). People are clearly synthetic (names start with
演示). Idempotent: every row is looked up before it is made, so running twice adds nothing."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from gonghui.accounts.models import User
from gonghui.cases.demo import demo_member
from gonghui.core.scoping import SYSTEM
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from . import services
from .choices import AidStatus
from .models import HardshipApplication, HardshipDisbursement, MutualAidEnrolment

HENGNAN_AID_TOTAL = Decimal("1840000")
HENGNAN_AID_PEOPLE = 230  # 115 x 6,000 + 115 x 10,000 = 1,840,000
HENGNAN_UNITS, HENGNAN_WORKERS = 205, 18566
AID_PERIOD = "2025"
MUTUAL_AID_YEAR = 2026


def _hengnan_hardship(stdout) -> int:
    county = Organization.objects.filter(name="衡南县总工会").first()
    park = Organization.objects.filter(name="衡南县工业园区工会").first()
    if county is None or park is None:
        stdout.write("aid demo: 衡南县 unions not in the tree, skipped")
        return 0
    approver = User.objects.filter(username="hengnan", organization=county).first() or SYSTEM
    services.hardship_threshold_set(actor=SYSTEM, union=county, amount="1000")
    rng = random.Random("gonghui-demo-hengnan-aid")
    paid = 0
    for serial in range(HENGNAN_AID_PEOPLE):
        member = demo_member(park, rng, "430422", serial, 1972 + serial // 365)
        amount = Decimal(6000 if serial % 2 else 10000)
        if HardshipDisbursement.objects.filter(member=member, period=AID_PERIOD).exists():
            continue
        application = HardshipApplication.objects.filter(member=member, period=AID_PERIOD).first()
        if application is None:
            income = rng.randrange(0, 1500)
            application = services.hardship_apply(
                actor=SYSTEM, member=member, period=AID_PERIOD,
                reason=rng.choice(["因病致困", "因灾致困", "因学致困", "单亲家庭"]),
                household=[
                    {"name": member.name, "relation": "本人", "monthly_income": income},
                    {"name": "演示家属", "relation": "配偶", "monthly_income": 0},
                    {"name": "演示子女", "relation": "子女", "monthly_income": 0},
                ],
                requested_amount=amount,
            )  # fmt: skip
        if application.status == AidStatus.SUBMITTED:
            application = services.hardship_approve(
                actor=SYSTEM, application=application, expected_version=application.version
            )
        if application.status == AidStatus.GRASSROOTS_APPROVED:
            application = services.hardship_approve(
                actor=approver, application=application, expected_version=application.version,
                approved_amount=amount,
            )  # fmt: skip
        services.hardship_disburse(
            actor=approver, application=application, amount=amount,
            paid_on=datetime.date(2025, 1, 10) + datetime.timedelta(days=serial % 300),
            method="bank",
        )  # fmt: skip
        paid += 1
    return paid


def _unit_sizes(rng: random.Random) -> list[int]:
    weights = [rng.randint(20, 160) for _ in range(HENGNAN_UNITS)]
    scale = HENGNAN_WORKERS / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[sizes.index(max(sizes))] += HENGNAN_WORKERS - sum(sizes)
    return sizes


def _hengnan_mutual_aid() -> int:
    county = Organization.objects.filter(name="衡南县总工会").first()
    if county is None:
        return 0
    rng = random.Random("gonghui-demo-hengnan-mutual-aid")
    added = 0
    for number, size in enumerate(_unit_sizes(rng), start=1):
        name = f"衡南县演示参保单位{number:03d}"
        if MutualAidEnrolment.objects.filter(
            union=county, unit_name=name, year=MUTUAL_AID_YEAR
        ).exists():
            continue
        services.mutual_aid_enrol(
            actor=SYSTEM, union=county, unit_name=name, year=MUTUAL_AID_YEAR, participants=size
        )
        added += 1
    return added


def _hengnan_mutual_aid_claims() -> int:
    """A dozen of the park's members take part through the first unit; every fourth files a
    claim: paid, approved, refused, and one waiting."""
    unit = (
        MutualAidEnrolment.objects.filter(union__name="衡南县总工会", year=MUTUAL_AID_YEAR)
        .order_by("unit_name")
        .first()
    )
    park = Organization.objects.filter(name="衡南县工业园区工会").first()
    if unit is None or park is None or unit.members.exists():
        return 0
    members = Member.objects.filter(union=park, status=MemberStatus.ACTIVE).order_by("id")[:12]
    claims = 0
    for number, member in enumerate(members):
        participant = services.mutual_aid_participant_add(
            actor=SYSTEM, enrolment=unit, member=member
        )
        if number % 3:
            continue
        claim = services.mutual_aid_claim_file(
            actor=SYSTEM, participant=participant, illness="住院治疗", hospital="衡南县人民医院",
            medical_cost=Decimal(6000 + 500 * number), claimed_amount=Decimal(2000),
        )  # fmt: skip
        claims += 1
        if number == 9:
            continue  # waits for the officer
        approve = number != 6
        services.mutual_aid_claim_decide(
            actor=SYSTEM, claim=claim, expected_version=None, approve=approve,
            approved_amount=Decimal(1500) if approve else None,
            note="" if approve else "不在互助保障范围内",
        )  # fmt: skip
        if number == 0:
            services.mutual_aid_claim_pay(
                actor=SYSTEM, claim=claim, paid_on=datetime.date(MUTUAL_AID_YEAR, 6, 30),
                method="bank",
            )  # fmt: skip
    return claims


def load_demo(stdout) -> None:
    payments = _hengnan_hardship(stdout)
    units = _hengnan_mutual_aid()
    claims = _hengnan_mutual_aid_claims()
    stdout.write(
        f"aid demo: {payments} 衡南 aid payments, {units} mutual-aid units and {claims} claims "
        "added"
    )
