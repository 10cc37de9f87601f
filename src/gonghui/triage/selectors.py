"""Reads: the suggestion for a text (``suggest``, also used by the assistant), alerts in scope."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from gonghui.cases.models import Case, CaseType
from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.models import Organization

from . import classifier
from .models import Alert, AlertStatus, CaseSuggestion, TrainedModel

MAX_TEXT = 2000
BASE_LABEL = "base"


@dataclass
class Neighbour:
    text: str
    case_type: str
    similarity: float
    case_id: int | None = None


@dataclass
class Suggestion:
    case_type: str
    score: float
    urgency: str
    urgency_score: float
    scores: dict[str, float]
    closest: list[Neighbour] = field(default_factory=list)
    model: str = BASE_LABEL


def province_of(org: Organization | None) -> Organization | None:
    """The province-level union at or above ``org`` (None above provinces or without an org)."""
    if org is None:
        return None
    if org.level == OrgLevel.PROVINCE:
        return org
    return next((o for o in org.ancestors() if o.level == OrgLevel.PROVINCE), None)


_cache_lock = threading.Lock()
_province_models: dict[int, tuple[object, classifier.Model]] = {}


def model_for(province: Organization | None) -> tuple[classifier.Model, str]:
    """The province's own retrained model when it has one, else the shipped base model.

    The loaded model is kept per process and reloaded when the stored one is newer (one indexed
    read per call)."""
    if province is not None:
        stamp = (
            TrainedModel.objects.filter(province=province)
            .values_list("trained_at", flat=True)
            .first()
        )
        if stamp is not None:
            with _cache_lock:
                cached = _province_models.get(province.pk)
            if cached is None or cached[0] != stamp:
                row = TrainedModel.objects.get(province=province)
                cached = (row.trained_at, classifier.Model.loads(row.blob))
                with _cache_lock:
                    _province_models[province.pk] = cached
            return cached[1], f"province:{province.pk}"
    return classifier.base_model(), BASE_LABEL


def suggest(text: str, *, province: Organization | None = None) -> Suggestion:
    """The suggested case type code and urgency for an appeal's free text, with their scores and
    the closest past appeals (shipped examples and the province's confirmed ones)."""
    model, label = model_for(province)
    case_type, urgency, near = model.predict((text or "")[:MAX_TEXT])
    return Suggestion(
        case_type=case_type.label,
        score=round(case_type.score, 4),
        urgency=urgency.label,
        urgency_score=round(urgency.score, 4),
        scores={k: round(v, 4) for k, v in case_type.scores.items()},
        closest=[Neighbour(e.text[:120], e.case_type, round(sim, 4), e.case_id) for e, sim in near],
        model=label,
    )


def visible_neighbours(user, closest: list[dict]) -> list[dict]:
    """Closest appeals as a user may see them: a past case only when it is in their scope."""
    case_ids = {n.get("case_id") for n in closest if n.get("case_id")}
    visible = set(
        Case.objects.visible_to(user, Action.VIEW)
        .filter(pk__in=case_ids)
        .values_list("pk", flat=True)
    )
    return [n for n in closest if not n.get("case_id") or n["case_id"] in visible]


def type_names() -> dict[str, str]:
    return {t.code: t.display_name for t in CaseType.objects.all()}


def suggestion_for_case(user, case_id) -> tuple[Case, CaseSuggestion | None]:
    case = get_visible_or_404(Case.objects.select_related("handling_union"), user, pk=case_id)
    return case, CaseSuggestion.objects.filter(case=case).first()


def can_decide(user, case: Case) -> bool:
    return scope_for(user, Action.CHANGE).covers(case.handling_union.path)


def alerts_for(user, status: str | None = AlertStatus.OPEN):
    alerts = Alert.objects.visible_to(user, Action.VIEW).select_related("county")
    if status:
        alerts = alerts.filter(status=status)
    return alerts


def alert_detail(user, alert_id) -> Alert:
    return get_visible_or_404(
        Alert.objects.select_related("county", "lead_case"), user, pk=alert_id
    )


def alert_cases(alert: Alert):
    return alert.cases.select_related("case_type", "handling_union").order_by("submitted_on", "id")


def can_change_alert(user, alert: Alert) -> bool:
    return scope_for(user, Action.CHANGE).covers(alert.county.path)
