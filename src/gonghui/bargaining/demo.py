"""Demo bargaining: 衡南县's 20 unionised enterprises in the industrial park, 19 with a worker
congress in term (职代会建制率 95%), and 新屋岭's first community wage agreement, reached through
一函两书. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction

from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.enterprises.models import Enterprise
from gonghui.enterprises.services import enterprise_create
from gonghui.organizations.models import Organization

from . import services
from .choices import AgreementLevel, LetterKind, ReviewStatus
from .models import BargainingProcedure, WageAgreement, WorkerCongress

HENGNAN_ENTERPRISES = 20
HENGNAN_WITH_CONGRESS = 19


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


def _hengnan(stdout) -> int:
    park = _org("衡南县工业园区工会")
    if park is None:
        stdout.write("bargaining demo: 衡南县 not in the tree, skipped")
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
    community = _org("新屋岭社区工会联合会")
    if community is None:
        stdout.write("bargaining demo: 新屋岭 not in the tree, skipped")
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


@transaction.atomic
def load_demo(stdout) -> int:
    created = 0
    for part in (
        _hengnan,
        _xinwuling,
    ):
        created += part(stdout)
    stdout.write(f"bargaining demo: {created} rows created")
    return created
