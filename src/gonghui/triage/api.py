"""Triage endpoints: a suggestion for any text (officers), a case's suggestion and the officer's
decision, and the group-arrears alerts."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gonghui.core.api import ObjectId
from gonghui.core.scoping import Action, scope_for

from . import selectors, services
from .models import AlertStatus, Urgency

router = Router(tags=["triage"])


class TriageIn(Schema):
    text: str = Field(..., min_length=1, max_length=selectors.MAX_TEXT)


class NeighbourOut(Schema):
    text: str
    case_type: str
    similarity: float
    case_id: int | None = None


class SuggestionOut(Schema):
    case_type: str
    score: float
    urgency: str
    urgency_score: float
    scores: dict[str, float]
    closest: list[NeighbourOut]
    model: str


class CaseSuggestionOut(Schema):
    case_id: int
    case_type: str
    score: float
    urgency: str
    urgency_score: float
    closest: list[NeighbourOut]
    decision: str
    chosen_type: str
    chosen_urgency: str


class DecisionIn(Schema):
    case_type: str = Field(..., min_length=1, max_length=40)
    urgency: Urgency


class AlertOut(Schema):
    id: int
    county_id: int
    employer: str
    status: str
    case_ids: list[int]
    lead_case_id: int | None
    first_on: datetime.date
    last_on: datetime.date
    note: str

    @staticmethod
    def resolve_case_ids(obj):
        return sorted(obj.cases.values_list("pk", flat=True))


class AlertMergeIn(Schema):
    lead_case_id: ObjectId
    note: str = Field("", max_length=500)


class DismissIn(Schema):
    note: str = Field(..., min_length=1, max_length=500)


def _require_officer(request) -> None:
    if scope_for(request.user, Action.VIEW).is_empty:
        raise PermissionDenied


@router.post("/triage", response=SuggestionOut)
def triage_text(request, payload: TriageIn):
    """The suggested case type and urgency for an appeal's text, with the closest past appeals
    the caller may see."""
    _require_officer(request)
    if not payload.text.strip():
        raise ValidationError({"text": [_("请输入诉求内容。")]})
    province = selectors.province_of(request.user.organization)
    result = selectors.suggest(payload.text, province=province)
    closest = selectors.visible_neighbours(request.user, [vars(n) for n in result.closest])
    return {**vars(result), "closest": closest}


def _case_out(request, case, suggestion):
    return {
        "case_id": case.pk,
        "case_type": suggestion.case_type_code,
        "score": suggestion.score,
        "urgency": suggestion.urgency,
        "urgency_score": suggestion.urgency_score,
        "closest": selectors.visible_neighbours(request.user, suggestion.closest),
        "decision": suggestion.decision,
        "chosen_type": suggestion.chosen_type_code,
        "chosen_urgency": suggestion.chosen_urgency,
    }


@router.get("/triage/cases/{case_id}", response=CaseSuggestionOut)
def case_suggestion(request, case_id: ObjectId):
    case, suggestion = selectors.suggestion_for_case(request.user, case_id)
    if suggestion is None:
        if not selectors.can_decide(request.user, case):
            raise PermissionDenied
        suggestion = services.on_case_created(case)
    return _case_out(request, case, suggestion)


@router.post("/triage/cases/{case_id}/decision", response=CaseSuggestionOut)
def decide(request, case_id: ObjectId, payload: DecisionIn):
    case, _suggestion = selectors.suggestion_for_case(request.user, case_id)
    suggestion = services.suggestion_decide(
        actor=request.user, case=case, case_type_code=payload.case_type, urgency=payload.urgency
    )
    return _case_out(request, case, suggestion)


@router.get("/triage/alerts", response=list[AlertOut])
def list_alerts(request, status: AlertStatus | None = AlertStatus.OPEN):
    _require_officer(request)
    return list(selectors.alerts_for(request.user, status).prefetch_related("cases")[:200])


@router.post("/triage/alerts/{alert_id}/merge", response=AlertOut)
def merge_alert(request, alert_id: ObjectId, payload: AlertMergeIn):
    alert = selectors.alert_detail(request.user, alert_id)
    return services.alert_merge(
        actor=request.user, alert=alert, lead_case_id=payload.lead_case_id, note=payload.note
    )


@router.post("/triage/alerts/{alert_id}/dismiss", response=AlertOut)
def dismiss_alert(request, alert_id: ObjectId, payload: DismissIn):
    alert = selectors.alert_detail(request.user, alert_id)
    return services.alert_dismiss(actor=request.user, alert=alert, note=payload.note)
