"""The platform's own live facts a question may be about, read through the owning apps'
selectors: the union's hardship line and the case deadlines (cases), the nearest open station
(stations), the asker's own appeals (cases, signed-in workers only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .search import fold

HARDSHIP_WORDS = ("困难", "帮扶", "补助", "救助", "生活补贴", "低收入", "救济", "慰问金")
DEADLINE_WORDS = (
    "多久",
    "几天",
    "多少天",
    "时限",
    "期限",
    "多长时间",
    "什么时候",
    "多快",
    "处理时间",
)
STATION_WORDS = ("驿站", "歇脚", "休息", "喝水", "热饭", "充电", "厕所", "职工之家", "避暑", "取暖")
OWN_CASE_WORDS = (
    "我的诉求",
    "我的申请",
    "我的投诉",
    "进度",
    "办到哪",
    "处理到哪",
    "处理得怎么样",
    "结果出来",
)

# When the triage app is not there, the case type of an appeal the question leads to.
CASE_TYPE_KEYWORDS = (
    (
        "wage_arrears",
        ("拖欠", "欠薪", "欠工资", "不发工资", "没发工资", "工资没发", "讨薪", "工钱", "克扣"),
    ),
    ("medical_mutual_aid", ("医疗互助", "住院", "医药费", "看病")),
    ("hardship", HARDSHIP_WORDS),
    ("mediation", ("调解", "纠纷", "辞退", "开除", "解除合同", "赔偿金", "经济补偿")),
    ("legal_aid", ("工伤", "仲裁", "起诉", "律师", "法律援助", "社保", "劳动合同", "加班费")),
    ("employment", ("找工作", "就业", "失业", "招聘", "培训")),
    ("counselling", ("心理", "压力大", "焦虑", "抑郁", "睡不着")),
)


@dataclass
class Fact:
    kind: str
    text: str
    url: str = ""


def _has(question: str, words) -> bool:
    return any(word in question for word in words)


def case_type_for(question: str) -> str | None:
    """The case type code of the appeal this question would become: the triage app's
    suggestion when it is installed, else a keyword map."""
    suggestion = _triage_suggestion(question)
    if suggestion:
        return suggestion
    folded = fold(question)
    for code, words in CASE_TYPE_KEYWORDS:
        if _has(folded, words):
            return code
    return None


def _triage_suggestion(question: str) -> str | None:
    suggest = None
    for module_name in ("gonghui.triage.services", "gonghui.triage.selectors"):
        try:
            module = __import__(module_name, fromlist=["suggest"])
        except ImportError:
            continue
        suggest = getattr(module, "suggest", None)
        if suggest:
            break
    if suggest is None:
        return None
    try:
        result = suggest(question)
    except Exception:  # a failing classifier must not take the answer down with it
        return None
    for name in ("case_type", "code", "type_code", "type"):
        value = getattr(result, name, None)
        value = getattr(value, "code", value)
        if isinstance(value, str) and value:
            return value
    return None


def _hardship(org) -> Fact | None:
    from gonghui.aid.models import HardshipThreshold

    if org is None:
        return None
    paths = [*org.ancestor_paths(), org.path]
    row = (
        HardshipThreshold.objects.filter(union__path__in=paths)
        .select_related("union")
        .order_by("-union__depth")
        .first()
    )
    if row is None:
        return None
    return Fact(
        "hardship",
        _("%(union)s困难职工认定标准：家庭人均月收入不高于 %(amount)s 元。")
        % {"union": row.union.name, "amount": row.monthly_income_per_capita},
    )


def _deadline(code: str | None) -> Fact | None:
    from gonghui.cases.selectors import case_types

    case_type = case_types().filter(code=code or "other").first()
    if case_type is None:
        return None
    return Fact(
        "deadline",
        _("“%(type)s”诉求：工会在 %(ack)s 个工作日内受理，%(resolve)s 个工作日内办结。")
        % {
            "type": case_type.display_name,
            "ack": case_type.ack_days,
            "resolve": case_type.resolve_days,
        },
    )


def _station(lat: float | None, lon: float | None) -> Fact | None:
    if lat is None or lon is None:
        return Fact("station", _("打开爱心地图，查找离您最近的开放驿站。"), reverse("stations:map"))
    from gonghui.stations.selectors import km_text, nearest

    found = nearest(lat=lat, lon=lon, k=1, open_now=True)
    if not found:
        return Fact("station", _("附近暂时没有正在开放的驿站。"), reverse("stations:map"))
    point, metres, _open = found[0]
    return Fact(
        "station",
        _("离您最近的开放驿站：%(name)s，约 %(km)s 公里。")
        % {"name": point.name, "km": km_text(metres / 1000)},
        reverse("stations:map"),
    )


def _own_cases(user) -> list[Fact]:
    from gonghui.cases.selectors import case_list

    if user is None or not user.is_authenticated:
        return []
    cases = case_list(user=user).order_by("-created_at")[:3]
    return [
        Fact(
            "case",
            _("您的诉求“%(title)s”（%(type)s）：%(status)s")
            % {
                "title": case.title,
                "type": case.case_type.display_name,
                "status": case.get_status_display(),
            },
            case.get_absolute_url(),
        )
        for case in cases
    ]


def facts_for(question: str, *, user, org, case_type: str | None, lat=None, lon=None) -> list[Fact]:
    folded = fold(question)
    found: list[Fact | None] = []
    if _has(folded, HARDSHIP_WORDS):
        found.append(_hardship(org))
    if _has(folded, DEADLINE_WORDS):
        found.append(_deadline(case_type))
    if _has(folded, STATION_WORDS):
        found.append(_station(lat, lon))
    if _has(folded, OWN_CASE_WORDS):
        found.extend(_own_cases(user))
    return [fact for fact in found if fact is not None]
