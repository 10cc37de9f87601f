"""The cockpit's panels as .xlsx (one sheet a panel, label and figure per row) and the annual
report in the fixed layout of the 基层工会调查表 (a cover sheet, then one sheet per table)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.cells import safe_row

from . import annual


def _pairs(panel: str, figures: dict) -> list[tuple[str, object]]:
    m, o, s = figures["members"], figures["organisation"], figures["service"]
    if panel == "members":
        rows = [
            (_("会员总数"), m["active"]),
            (_("待审核入会"), m["pending"]),
            (_("本月入会"), m["joined_month"]),
            (_("本年入会"), m["joined_year"]),
            (_("本月减少"), m["left_month"]),
            (_("本年减少"), m["left_year"]),
            (_("女职工会员"), m["women"]),
            (_("农民工会员"), m["migrant_workers"]),
        ]
        rows += [(row["label"], row["count"]) for row in m["by_group"]]
        rows += [(row["label"], row["count"]) for row in m["by_channel"]]
        return rows
    if panel == "organisation":
        rows = [
            (_("工会组织数"), o["unions"]),
            (_("企业数"), o["enterprises"]),
            (_("25人以上企业建会率（%）"), o["big_rate"]),
            (_("小微企业建会率（%）"), o["small_rate"]),
            (_("会员覆盖率（%）"), o["member_rate"]),
            (_("建会进行中"), o["founding_open"]),
            (_("逾期建会步骤"), o["founding_overdue_steps"]),
        ]
        rows += [(row["label"], row["count"]) for row in o["by_level"]]
        rows += [(row["label"], row["count"]) for row in o["by_type"]]
        return rows
    if panel == "service":
        rows = [
            (_("服务阵地"), s["stations"]),
            (_("本月签到"), s["checkins_month"]),
            (_("本年签到"), s["checkins_year"]),
            (_("办理中诉求"), s["cases_open"]),
            (_("超期诉求"), s["cases_overdue"]),
            (_("本年办结诉求"), s["cases_resolved_year"]),
            (_("按期办结率（%）"), s["cases_resolved_on_time_rate"]),
            (_("满意度"), s["satisfaction"]),
            (_("本年困难帮扶金额（元）"), s["aid_paid_year"]),
            (_("互助保障参保人数"), s["mutual_aid_participants"]),
            (_("本年培训签到"), s["training_attended_year"]),
            (_("本年竞赛报名"), s["contest_entries_year"]),
        ]
        rows += [(row["label"], row["count"]) for row in s["deliveries_year"]]
        return rows
    if panel == "circle":
        c = figures["circle"]
        return [
            (_("服务圈（分钟，步行）"), c["minutes"]),
            (_("有工作地点的会员"), c["members_located"]),
            (_("服务圈内会员"), c["members_covered"]),
            (_("会员服务圈覆盖率（%）"), c["member_share"]),
            (_("未填工作地点的会员"), c["members_without_location"]),
            (_("有坐标的企业"), c["enterprises"]),
            (_("服务圈内企业"), c["enterprises_covered"]),
            (_("企业服务圈覆盖率（%）"), c["enterprise_share"]),
        ]
    if panel == "funnel":
        return [(row["label"], row["count"]) for row in figures["funnel"]]
    return []


SHEETS = {
    "members": lambda: _("会员"),
    "organisation": lambda: _("组织"),
    "service": lambda: _("服务"),
    "circle": lambda: _("服务圈"),
    "trends": lambda: _("趋势"),
    "children": lambda: _("下级对比"),
    "funnel": lambda: _("建会流程"),
}


def cockpit_xlsx(figures: dict, panels: list[str]) -> tuple[bytes, int]:
    """(workbook bytes, rows written)."""
    book = Workbook(write_only=True)
    count = 0
    title = [figures["org"]["name"], _("统计期间"), figures["period"]]
    for panel in panels:
        sheet = book.create_sheet(str(SHEETS[panel]()))
        sheet.append(safe_row(title))
        if panel == "trends":
            t = figures["trends"]
            sheet.append(safe_row([_("月份"), _("入会"), _("减少"), _("签到"), _("办结诉求"),
                                   _("活动发放")]))  # fmt: skip
            for index, month in enumerate(t["months"]):
                sheet.append(safe_row([month, t["joined"][index], t["left"][index],
                                       t["checkins"][index], t["cases_resolved"][index],
                                       t["deliveries"][index]]))  # fmt: skip
                count += 1
        elif panel == "children":
            sheet.append(safe_row([_("工会"), _("行政区划代码"), _("会员"), _("待审核"),
                                   _("办理中诉求")]))  # fmt: skip
            for row in figures["children"]:
                sheet.append(safe_row([row["name"], row["region_code"], row["active"],
                                       row["pending"], row["cases_open"]]))  # fmt: skip
                count += 1
        else:
            sheet.append(safe_row([_("指标"), _("数值")]))
            for label, value in _pairs(panel, figures):
                sheet.append(safe_row([label, value]))
                count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _text(value):
    return str(value) if hasattr(value, "_proxy____cast") else value


def report_xlsx(*, cover: dict, year: int, status: str, values) -> tuple[bytes, int]:
    """One report (or a rollup of approved reports) in the fixed layout: the cover sheet, then
    表一 to 表八, each row at the same place in every workbook (code, label, unit, value,
    source). ``values(key)`` is a row's value. Returns (workbook bytes, rows written)."""
    book = Workbook(write_only=True)
    start, end = annual.reference_period(year)
    sheet = book.create_sheet(str(_("封面")))
    sheet.append(safe_row([str(_("基层工会调查表")), "国统制〔2019〕107号"]))
    for key, label in annual.COVER:
        sheet.append(safe_row([str(label), cover.get(key, "")]))
    sheet.append(safe_row([str(_("年度")), year]))
    sheet.append(safe_row([str(_("统计期间")), f"{start:%Y-%m-%d} — {end:%Y-%m-%d}"]))
    sheet.append(safe_row([str(_("状态")), status]))
    count = 0
    sources = {annual.DATA: _("系统生成"), annual.TYPED: _("填报")}
    for table in annual.TABLES:
        sheet = book.create_sheet(str(table.number))
        sheet.append(safe_row([table.name, cover.get("union_name", ""), year]))
        sheet.append(safe_row([_text(v) for v in (_("代码"), _("指标"), _("计量单位"),
                                                  _("数值"), _("来源"))]))  # fmt: skip
        for row in table.rows:
            sheet.append(safe_row([row.code, _text(row.label), _text(row.unit),
                                   values(row.key), _text(sources[row.source])]))  # fmt: skip
            count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count
