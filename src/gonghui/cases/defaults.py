"""Seed configuration: the service hall's case types and the 2026 holiday calendar.

Both are ordinary rows officers may edit afterwards; :func:`seed` only adds what is missing, so it
is safe in a data migration, the demo loader and test fixtures alike.
"""

from __future__ import annotations

import datetime

# (code, name, handling level, ack working days, resolve working days, form fields)
DEFAULT_CASE_TYPES = [
    ("legal_aid", "法律援助", "county", 2, 15, [
        {"name": "matter", "label": "事项类别", "type": "choice", "required": True,
         "choices": ["劳动合同", "工伤认定", "社会保险", "劳动报酬", "其他"]},
        {"name": "employer", "label": "用人单位", "type": "text", "required": False},
    ]),
    ("mediation", "劳动纠纷调解", "county", 2, 15, [
        {"name": "employer", "label": "用人单位", "type": "text", "required": True},
        {"name": "dispute", "label": "争议事项", "type": "textarea", "required": True},
    ]),
    ("wage_arrears", "欠薪", "member_union", 1, 10, [
        {"name": "employer", "label": "欠薪单位", "type": "text", "required": True},
        {"name": "amount_owed", "label": "欠薪金额（元）", "type": "number", "required": True,
         "min": 1},
        {"name": "owed_since", "label": "开始欠薪日期", "type": "date", "required": False},
        {"name": "workers_affected", "label": "涉及人数", "type": "number", "required": False,
         "min": 1},
    ]),
    ("hardship", "困难帮扶", "member_union", 3, 20, [
        {"name": "hardship_kind", "label": "困难类型", "type": "choice", "required": True,
         "choices": ["因病致困", "因灾致困", "因学致困", "失业", "其他"]},
    ]),
    ("medical_mutual_aid", "医疗互助", "county", 3, 20, [
        {"name": "hospital", "label": "就诊医院", "type": "text", "required": True},
        {"name": "medical_cost", "label": "医疗费用（元）", "type": "number", "required": True,
         "min": 1},
    ]),
    ("employment", "就业帮扶", "member_union", 2, 20, [
        {"name": "wanted_job", "label": "求职意向", "type": "text", "required": False},
    ]),
    ("petition", "信访接待", "county", 3, 30, []),
    ("counselling", "心理咨询", "county", 2, 10, [
        {"name": "contact_time", "label": "方便联系的时间", "type": "text", "required": False},
    ]),
    ("other", "其他", "member_union", 3, 20, []),
]  # fmt: skip

# The State Council's 2026 arrangement (国办发明电〔2025〕号): days off, and weekend make-up days.
HOLIDAYS_2026 = {
    "元旦": (("2026-01-01", "2026-01-03"), ["2026-01-04"]),
    "春节": (("2026-02-15", "2026-02-23"), ["2026-02-14", "2026-02-28"]),
    "清明节": (("2026-04-04", "2026-04-06"), []),
    "劳动节": (("2026-05-01", "2026-05-05"), ["2026-05-09"]),
    "端午节": (("2026-06-19", "2026-06-21"), []),
    "中秋节": (("2026-09-25", "2026-09-27"), []),
    "国庆节": (("2026-10-01", "2026-10-07"), ["2026-09-20", "2026-10-10"]),
}


def holiday_rows() -> list[tuple[datetime.date, str, str]]:
    rows = []
    for name, ((first, last), workdays) in HOLIDAYS_2026.items():
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            rows.append((day, "holiday", name))
            day += datetime.timedelta(days=1)
        rows.extend((datetime.date.fromisoformat(w), "workday", f"{name}调休") for w in workdays)
    return rows


def seed(case_type_model, holiday_model) -> int:
    """Add the default case types and the 2026 calendar where missing; returns rows added."""
    added = 0
    for order, (code, name, level, ack, resolve, fields) in enumerate(DEFAULT_CASE_TYPES):
        _obj, created = case_type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "handling_level": level,
                "ack_days": ack,
                "resolve_days": resolve,
                "form_fields": fields,
                "sort_order": order,
            },
        )
        added += created
    for day, kind, name in holiday_rows():
        _obj, created = holiday_model.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name}
        )
        added += created
    return added
