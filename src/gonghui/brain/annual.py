"""The layout of the annual statistics report (统计年报), after the 基层工会调查表 of
国统制〔2019〕107号: a cover naming the union (union code, name, region code, type) and the
reference period (1 October of the previous year to 30 September), then 表一 to 表八.

Each row has a fixed code, label and unit, and is either filled from the data (``DATA``) or
typed by the union (``TYPED``) where the platform holds nothing to count. The workbook, the
pages and the level-by-level rollup all read this one layout, so the rows never drift apart.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gonghui.members.choices import OccupationGroup

DATA = "data"
TYPED = "typed"
PERSONS, UNITS, TIMES, YUAN, FLAG = _("人"), _("个"), _("次"), _("元"), _("是=1，否=0")


@dataclass(frozen=True)
class Row:
    code: str
    key: str
    label: object
    unit: object
    source: str


@dataclass(frozen=True)
class Table:
    number: object
    title: object
    rows: tuple[Row, ...]

    @property
    def name(self) -> str:
        return f"{self.number} {self.title}"


def reference_period(year: int) -> tuple[datetime.date, datetime.date]:
    """1 October of the previous year to 30 September (国统制〔2019〕107号)."""
    return datetime.date(year - 1, 10, 1), datetime.date(year, 9, 30)


_GROUPS = tuple(
    Row(f"2{index + 5:02d}", f"group_{key}", label, PERSONS, DATA)
    for index, (key, label) in enumerate(
        (key, label) for key, label in OccupationGroup.choices if key != OccupationGroup.OTHER
    )
)

TABLES = (
    Table(_("表一"), _("基层工会基本情况"), (
        Row("101", "employees", _("职工人数"), PERSONS, DATA),
        Row("102", "female_employees", _("其中：女职工"), PERSONS, TYPED),
        Row("103", "migrant_employees", _("其中：农民工"), PERSONS, TYPED),
        Row("104", "enterprises", _("覆盖单位数"), UNITS, DATA),
        Row("105", "sub_unions", _("下属工会组织数"), UNITS, DATA),
    )),
    Table(_("表二"), _("会员情况"), (
        Row("201", "members", _("会员人数"), PERSONS, DATA),
        Row("202", "women_members", _("其中：女会员"), PERSONS, DATA),
        Row("203", "migrant_members", _("其中：农民工会员"), PERSONS, DATA),
        Row("204", "new_form_members", _("其中：新就业形态劳动者会员"), PERSONS, DATA),
        *_GROUPS,
        Row("213", "online_members", _("网上入会会员"), PERSONS, DATA),
        Row("214", "new_members", _("本期新入会会员"), PERSONS, DATA),
        Row("215", "left_members", _("本期减少会员"), PERSONS, DATA),
    )),
    Table(_("表三"), _("工会委员会"), (
        Row("301", "committee_members", _("工会委员会委员人数"), PERSONS, TYPED),
        Row("302", "committee_women", _("其中：女委员"), PERSONS, TYPED),
        Row("303", "full_time_officers", _("专职工会干部"), PERSONS, TYPED),
        Row("304", "audit_committee_members", _("经费审查委员会委员人数"), PERSONS, TYPED),
        Row("305", "women_committee", _("建立女职工委员会"), FLAG, TYPED),
    )),
    Table(_("表四"), _("职工代表大会"), (
        Row("401", "congresses", _("建立职代会制度的单位"), UNITS, DATA),
        Row("402", "congress_sessions", _("本期召开职代会次数"), TIMES, DATA),
        Row("403", "congress_delegates", _("职工代表人数"), PERSONS, DATA),
        Row("404", "open_affairs", _("实行厂务公开的单位"), UNITS, TYPED),
    )),
    Table(_("表五"), _("集体协商"), (
        Row("501", "wage_agreements", _("本期签订工资专项集体合同"), UNITS, DATA),
        Row("502", "agreement_workers", _("其中：覆盖职工人数"), PERSONS, DATA),
        Row("503", "general_contracts", _("综合性集体合同"), UNITS, TYPED),
        Row("504", "women_contracts", _("女职工权益保护专项集体合同"), UNITS, TYPED),
    )),
    Table(_("表六"), _("服务阵地"), (
        Row("601", "stations", _("服务站点"), UNITS, DATA),
        Row("602", "checkins", _("本期服务站点签到人次"), TIMES, DATA),
        Row("603", "workers_homes", _("职工之家"), UNITS, TYPED),
    )),
    Table(_("表七"), _("帮扶救助"), (
        Row("701", "aid_paid_yuan", _("困难职工帮扶金额"), YUAN, DATA),
        Row("702", "aid_people", _("帮扶困难职工人数"), PERSONS, DATA),
        Row("703", "mutual_aid_participants", _("职工互助保障参保人数"), PERSONS, DATA),
        Row("704", "deliveries", _("送温暖等活动服务人次"), TIMES, DATA),
        Row("705", "cases_resolved", _("本期办结职工诉求"), UNITS, DATA),
    )),
    Table(_("表八"), _("工会经费"), (
        Row("801", "dues_income_yuan", _("会费收入"), YUAN, TYPED),
        Row("802", "allocation_income_yuan", _("拨缴经费收入"), YUAN, TYPED),
        Row("803", "spending_yuan", _("经费支出"), YUAN, TYPED),
    )),
)  # fmt: skip

ROWS = tuple(row for table in TABLES for row in table.rows)
DATA_KEYS = tuple(row.key for row in ROWS if row.source == DATA)
TYPED_ROWS = tuple(row for row in ROWS if row.source == TYPED)
TYPED_KEYS = frozenset(row.key for row in TYPED_ROWS)
FLAG_KEYS = frozenset(row.key for row in ROWS if row.unit is FLAG)

# The cover: (key, label); the values are the union's at drafting, kept as submitted.
COVER = (
    ("union_code", _("工会组织代码")),
    ("union_name", _("工会名称")),
    ("region_code", _("行政区划代码")),
    ("union_type", _("工会类型")),
)


def cover_of(union) -> dict[str, str]:
    return {
        "union_code": union.credit_code or "",
        "union_name": union.name,
        "region_code": union.region_code,
        "union_type": str(union.get_org_type_display()),
    }


def value_of(report, key: str):
    """A row's value in one report: from the data or as typed (None: not filled)."""
    source = report.typed if key in TYPED_KEYS else report.figures
    return source.get(key)
