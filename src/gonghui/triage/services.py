"""Writes: a new case's suggestion, officers' decisions (new training examples), the province
retraining, and the group-arrears alert rule with its merge and dismissal."""

from __future__ import annotations

import datetime
import re
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.cases.models import Case, CaseType
from gonghui.core import audit
from gonghui.core.audit import actor_fk
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM, Action, require_in_scope
from gonghui.core.validators import is_valid_credit_code
from gonghui.organizations.choices import LEVEL_RANK, OrgLevel
from gonghui.organizations.models import Organization

from . import classifier, selectors
from .models import (
    Alert,
    AlertStatus,
    CaseSuggestion,
    Decision,
    EmployerMention,
    Example,
    TrainedModel,
    Urgency,
)

ARREARS_TYPES = ("wage_arrears",)


def alert_threshold() -> int:
    return settings.TRIAGE_ALERT_THRESHOLD


def alert_window_days() -> int:
    return settings.TRIAGE_ALERT_WINDOW_DAYS


# ---- Employers: one key for the variants of one name -------------------------------------------

# Longest first, so 有限责任公司 is not left as 有限责任.
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
TRAILING = (*LEGAL_FORMS, "分公司", "分厂", "项目部", "工程处", "分店", "门店")
REGION_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区|市|自治州|地区|盟|县|区|旗))+")
BRACKETED = re.compile(r"[(（][^)）]*[)）]")
NOT_NAME = re.compile(r"[^\u4e00-\u9fff0-9a-z]")
# A name in free text: a run of Chinese characters ending in a legal form or a factory.
NAME_IN_TEXT = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|厂))"
)
LEADING_WORDS = re.compile(r"^(?:我们|我|在|给|被|到|去|是|跟|和|与|向|告|举报|投诉|反映)+")
CREDIT_CODE_IN_TEXT = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
# Words that name a trade rather than an employer: "家政公司" alone matches every domestic worker.
_GENERIC_WORDS = (
    "家政 装修 建筑 物业 物流 劳务 劳务派遣 派遣 快递 外卖 平台 站点 网点 工地 工厂 电子 "
    "服装 纺织 保安 餐饮 我们 他们 这家 那家 这个 那个 原来 以前 现在 老板 单位 本 该"
)
GENERIC = frozenset(_GENERIC_WORDS.split())


def place_names(county: Organization) -> list[str]:
    """The names of the county and the unions above it as a company name may start with them:
    郾城区总工会 gives 郾城区 and 郾城 (longest first)."""
    names = set()
    for org in [*county.ancestors(), county]:
        place = re.sub(r"(总工会|工会)$", "", org.name)
        stem = re.sub(r"(省|自治区|市|自治州|地区|盟|县|区|旗)$", "", place)
        names.update(n for n in (place, stem) if len(n) >= 2 and n != org.name)
    return sorted(names, key=len, reverse=True)


def employer_key(name: str, places: list[str] = ()) -> str:
    """长沙宏達建築有限公司（浏阳分公司）, 宏达建筑公司, 宏达建筑（郾城项目部）: one key,
    Simplified, half-width, lower case, no brackets, no region prefix (an administrative name, or
    one of ``places``: the county's own), no legal form."""
    text = classifier.fold(name)
    for place in places:
        if text.startswith(place) and len(text) - len(place) >= 4:
            text = text[len(place) :]
            break
    text = BRACKETED.sub("", text)
    text = NOT_NAME.sub("", text)
    for form in LEGAL_FORMS:  # a branch after the legal name: 宏达建筑有限公司浏阳分公司
        head, found, _tail = text.partition(form)
        if found and len(head) >= 2:
            text = head
            break
    stripped = True
    while stripped:
        stripped = False
        for suffix in TRAILING:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text, stripped = text[: -len(suffix)], True
    without_region = REGION_PREFIX.sub("", text)
    if len(without_region) >= 2:
        text = without_region
    return "" if text in GENERIC or len(text) < 2 else text


def names_in_text(text: str) -> list[str]:
    names = []
    for match in NAME_IN_TEXT.finditer(classifier.fold(text)):
        name = LEADING_WORDS.sub("", match.group(1))
        if len(name) >= 4:
            names.append(name)
    return names


def employer_mentions(case: Case, county: Organization) -> dict[str, str]:
    """{key: label} for the employer(s) a case names: the credit code, the employer field of
    the appeal form or a company name in the text, and the workplace (the member's grassroots
    union, or a non-member's stated work place), each a separate key."""
    keys: dict[str, str] = {}
    form_name = str((case.form_data or {}).get("employer") or "").strip()
    form_name = form_name or (getattr(case, "employer_name", "") or "").strip()
    texts = [form_name, case.title or "", case.description or ""]
    for text in texts:
        for code in CREDIT_CODE_IN_TEXT.findall(classifier.fold(text).upper()):
            if is_valid_credit_code(code):
                keys.setdefault(f"code:{code}", code)
    candidates = [form_name] if form_name else []
    candidates += names_in_text(case.description or "")
    places = place_names(county)
    for name in candidates:
        key = employer_key(name, places)
        if key:
            keys.setdefault(f"name:{key}", name[:200])
    union = case.member.union if case.member_id else None
    if union is not None and union.level == OrgLevel.GRASSROOTS:
        keys.setdefault(f"org:{union.pk}", union.name[:200])
    place = " ".join(classifier.fold(getattr(case, "work_place", "") or "").split())
    if len(place) >= 4:
        keys.setdefault(f"place:{place[:100]}", place[:200])
    return keys


def county_of(org: Organization) -> Organization:
    """The county union at or above ``org`` (a county or higher union is its own)."""
    if LEVEL_RANK[org.level] <= LEVEL_RANK[OrgLevel.COUNTY]:
        return org
    counties = [o for o in org.ancestors() if o.level == OrgLevel.COUNTY]
    return counties[-1] if counties else org


# ---- A new case ----------------------------------------------------------------------------------


def is_arrears(case: Case, suggestion: CaseSuggestion | None) -> bool:
    if case.case_type.code in ARREARS_TYPES:
        return True
    return suggestion is not None and suggestion.case_type_code in ARREARS_TYPES


@transaction.atomic
def on_case_created(case: Case, *, today: datetime.date | None = None) -> CaseSuggestion:
    """Suggest a type and urgency for a new case and run the group-arrears rule on it.

    Idempotent: a second run keeps the suggestion and the alerts as they are."""
    case = Case.objects.select_related("case_type", "handling_union", "member__union").get(
        pk=case.pk
    )
    suggestion = CaseSuggestion.objects.filter(case=case).first()
    if suggestion is None:
        result = selectors.suggest(
            case.description, province=selectors.province_of(case.handling_union)
        )
        suggestion = CaseSuggestion(
            case=case,
            case_type_code=result.case_type,
            score=result.score,
            urgency=result.urgency,
            urgency_score=result.urgency_score,
            closest=[vars(n) for n in result.closest],
            model_label=result.model,
        )
        suggestion.full_clean()
        suggestion.save()
    if is_arrears(case, suggestion):
        check_group_arrears(case)
    return suggestion


def check_group_arrears(case: Case) -> Alert | None:
    """Record the employers a case names; open (or extend) the county's alert when one of them
    has been named by the threshold's number of appeals within the window."""
    county = county_of(case.handling_union)
    mentions = employer_mentions(case, county)
    for key, label in mentions.items():
        EmployerMention.objects.get_or_create(
            case=case,
            key=key,
            defaults={"county": county, "label": label, "submitted_on": case.submitted_on},
        )
    alert = None
    for key in mentions:
        window = _busiest_window(county, key, case.submitted_on)
        if window is None:
            continue
        case_ids = set(window.values_list("case_id", flat=True))
        alert = alert or _open_alert_for(county, set(mentions), case_ids)
        if alert is None:
            labels = Counter(window.values_list("label", flat=True))
            alert = _alert_create(county, key, labels.most_common(1)[0][0], window)
        if alert is None:
            continue
        added = case_ids - set(alert.cases.values_list("pk", flat=True))
        if added:
            alert.cases.add(*added)
            days = list(window.values_list("submitted_on", flat=True))
            alert.first_on = min(alert.first_on, *days)
            alert.last_on = max(alert.last_on, *days)
            alert.save(update_fields=["first_on", "last_on"])
            audit.record(
                actor=SYSTEM,
                action=AuditAction.UPDATE,
                instance=alert,
                org_path=county.path,
                changes={"cases": [None, sorted(added)]},
            )
    return alert


def _busiest_window(county, key: str, day: datetime.date):
    """The mentions of ``key`` in the windows of ``alert_window_days`` days around ``day`` that
    hold at least the threshold's number of appeals (None when no window does). Looking both
    ways, an appeal entered late (a hall officer keying in last week's paper form) still counts.
    Appeals of an alert already merged or dismissed are not counted again."""
    span = datetime.timedelta(days=alert_window_days() - 1)
    handled = Alert.objects.filter(county=county).exclude(status=AlertStatus.OPEN)
    nearby = EmployerMention.objects.filter(
        county=county, key=key, submitted_on__gte=day - span, submitted_on__lte=day + span
    ).exclude(case__in=handled.values("cases"))
    days = dict(nearby.values_list("case_id", "submitted_on"))
    qualifying = []
    for offset in range(alert_window_days()):
        start = day - span + datetime.timedelta(days=offset)
        inside = [d for d in days.values() if start <= d <= start + span]
        if len(inside) >= alert_threshold():
            qualifying.append(start)
    if not qualifying:
        return None
    return nearby.filter(
        submitted_on__gte=min(qualifying), submitted_on__lte=max(qualifying) + span
    )


def _open_alert_for(county, keys: set[str], case_ids: set[int]) -> Alert | None:
    """The county's open alert on one of these keys or already holding one of these cases: the
    same employer named two ways (name and credit code) is one alert, not two."""
    alerts = Alert.objects.open().filter(county=county)
    return (
        alerts.filter(key__in=keys).first() or alerts.filter(cases__in=case_ids).distinct().first()
    )


def _alert_create(county, key, label, window) -> Alert | None:
    days = list(window.values_list("submitted_on", flat=True))
    try:
        with transaction.atomic():
            alert = Alert(
                county=county,
                key=key,
                employer=label[:200],
                first_on=min(days),
                last_on=max(days),
            )
            alert.full_clean(exclude=["cases"])
            alert.save()
    except IntegrityError:
        # Another appeal opened it at the same moment: join that one.
        return Alert.objects.open().filter(county=county, key=key).first()
    audit.record(
        actor=SYSTEM,
        action=AuditAction.CREATE,
        instance=alert,
        org_path=county.path,
        changes={"employer": [None, alert.employer], "status": [None, alert.status]},
    )
    return alert


# ---- Officers' decisions ---------------------------------------------------------------------


def _clean_choice(case_type_code: str, urgency: str) -> tuple[CaseType | None, dict]:
    errors: dict[str, list[str]] = {}
    case_type = CaseType.objects.filter(code=case_type_code or "", is_active=True).first()
    if case_type is None:
        errors["case_type"] = [_("请选择有效的诉求类型。")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("请选择紧急程度。")]
    return case_type, errors


@transaction.atomic
def suggestion_decide(*, actor, case: Case, case_type_code: str, urgency: str) -> CaseSuggestion:
    """An officer accepts the suggestion or changes it; the choice becomes a training example of
    the case's province and that province's model is retrained in the background."""
    require_in_scope(actor, case.handling_union.path, Action.CHANGE)
    _case_type, errors = _clean_choice(case_type_code, urgency)
    if errors:
        raise ValidationError(errors)
    suggestion = CaseSuggestion.objects.select_for_update().filter(case=case).first()
    if suggestion is None:
        suggestion = on_case_created(case)
        suggestion = CaseSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    same = suggestion.case_type_code == case_type_code and suggestion.urgency == urgency
    _save_audited(
        actor,
        suggestion,
        case.handling_union.path,
        decision=Decision.ACCEPTED if same else Decision.CHANGED,
        chosen_type_code=case_type_code,
        chosen_urgency=urgency,
        decided_by=actor_fk(actor),
        decided_at=timezone.now(),
    )
    province = selectors.province_of(case.handling_union)
    if province is not None:
        Example.objects.update_or_create(
            case=case,
            defaults={
                "province": province,
                "text": case.description[:5000],
                "case_type_code": case_type_code,
                "urgency": urgency,
                "created_by": actor_fk(actor),
            },
        )
        transaction.on_commit(lambda: _enqueue_retrain(province.pk))
    return suggestion


def _enqueue_retrain(province_id: int) -> None:
    from .tasks import retrain_province

    retrain_province.enqueue(province_id)


def province_retrain(*, province: Organization) -> TrainedModel:
    """Train the province's model on the shipped examples plus its officers' confirmed ones."""
    own = [
        classifier.Example(e.text, e.case_type_code, e.urgency, e.case_id)
        for e in Example.objects.filter(province=province).order_by("id")
    ]
    model = classifier.Model.train(classifier.load_examples() + own)
    blob = model.dumps()
    with transaction.atomic():
        row, _created = TrainedModel.objects.update_or_create(
            province=province,
            defaults={
                "blob": blob,
                "examples": len(model.pool),
                "own_examples": len(own),
                "trained_at": timezone.now(),
            },
        )
    return row


# ---- Alerts ------------------------------------------------------------------------------------


def _locked_open_alert(actor, alert: Alert) -> Alert:
    require_in_scope(actor, alert.county.path, Action.CHANGE)
    locked = Alert.objects.select_for_update().select_related("county").get(pk=alert.pk)
    if locked.status != AlertStatus.OPEN:
        raise ValidationError({"status": [_("该预警已处理。")]})
    return locked


@transaction.atomic
def alert_merge(*, actor, alert: Alert, lead_case_id: int | None, note: str = "") -> Alert:
    """Merge the alert's appeals into one group case (群体案件) led by one of them."""
    alert = _locked_open_alert(actor, alert)
    lead = alert.cases.filter(pk=lead_case_id).first() if lead_case_id else None
    if lead is None:
        raise ValidationError({"lead_case": [_("请从相关诉求中选择主诉求。")]})
    return _close(actor, alert, AlertStatus.MERGED, note, lead=lead)


@transaction.atomic
def alert_dismiss(*, actor, alert: Alert, note: str) -> Alert:
    """Not a group case (e.g. different employers with similar names): closed with a reason."""
    alert = _locked_open_alert(actor, alert)
    if not (note or "").strip():
        raise ValidationError({"note": [_("请说明排除的理由。")]})
    return _close(actor, alert, AlertStatus.DISMISSED, note)


def _close(actor, alert: Alert, status: str, note: str, lead=None) -> Alert:
    return _save_audited(
        actor,
        alert,
        alert.county.path,
        status=status,
        lead_case=lead,
        note=(note or "").strip(),
        closed_by=actor_fk(actor),
        closed_at=timezone.now(),
    )


def _save_audited(actor, instance, org_path: str, **values):
    """Set ``values`` on ``instance``, validate, save, and write the audit row of the change."""
    fields = [name for name in values if name not in ("decided_at", "closed_at")]
    before = audit.snapshot(instance, fields)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["cases"])
    instance.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=instance,
        org_path=org_path,
        changes=audit.diff(before, audit.snapshot(instance, fields)),
    )
    return instance
