"""``GET /api/brain/{org_id}`` and one panel at a time: the cockpit's figures, scoped (an org
outside the caller's scope is 404 like a missing one); a bad period or panel is 422."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from . import selectors, services
from .models import AnnualReport

router = Router(tags=["brain"])


class PeriodQuery(Schema):
    period: str | None = Field(None, description="YYYY-MM, default this month", max_length=7)


class ReportOut(Schema):
    id: int
    union_id: int
    union_name: str
    year: int
    status: str
    cover: dict[str, Any]
    figures: dict[str, Any]
    typed: dict[str, Any]
    return_reason: str

    @staticmethod
    def resolve_union_name(obj):
        return obj.union.name


class ReportTypedIn(Schema):
    typed: dict[str, int]


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


@router.get("/brain/reports/{report_id}", response=ReportOut)
def report_detail(request, report_id: int):
    return services.report_get(user=request.user, report_id=report_id)


@router.patch("/brain/reports/{report_id}", response=ReportOut)
def report_fill(request, report_id: int, payload: ReportTypedIn):
    report = services.report_get(user=request.user, report_id=report_id)
    return services.report_fill(actor=request.user, report=report, typed=payload.typed)


@router.post("/brain/reports/{report_id}/submit", response=ReportOut)
def report_submit(request, report_id: int):
    report = services.report_get(user=request.user, report_id=report_id)
    return services.report_submit(actor=request.user, report=report)


@router.post("/brain/reports/{report_id}/approve", response=ReportOut)
def report_approve(request, report_id: int):
    report = services.report_get(user=request.user, report_id=report_id)
    return services.report_approve(actor=request.user, report=report)


@router.post("/brain/reports/{report_id}/return", response=ReportOut)
def report_return(request, report_id: int, payload: ReturnIn):
    report = services.report_get(user=request.user, report_id=report_id)
    return services.report_return(actor=request.user, report=report, reason=payload.reason)


class RollupQuery(Schema):
    org_id: int | None = Field(None, description="default: the caller's own org")
    year: int | None = Field(None, description="default: this year")


class RollupLineOut(Schema):
    org_id: int
    name: str
    grassroots: int
    approved: int
    submitted: int
    missing: int
    totals: dict[str, int]


class RollupOut(RollupLineOut):
    year: int
    children: list[RollupLineOut]
    missing_unions: list[dict[str, Any]]


def _line(line: dict) -> dict:
    org = line["org"]
    return {**line, "org_id": org.pk, "name": org.name}


@router.get("/brain/reports", response=RollupOut)
def report_rollup(request, query: Query[RollupQuery]):
    """The approved reports of an org's subtree summed level by level (one line per child
    union), and the grassroots unions that have not submitted (the first 500)."""
    year = selectors.check_year(query.year if query.year is not None else timezone.localdate().year)
    org = (
        selectors.org_for(user=request.user, org_id=query.org_id)
        if query.org_id is not None
        else selectors.home_org(request.user)
    )
    rollup = selectors.report_rollup(user=request.user, org=org, year=year)
    return {
        **_line(rollup),
        "year": year,
        "children": [_line(line) for line in rollup["children"]],
        "missing_unions": [{"id": u.pk, "name": u.name} for u in rollup["missing_unions"][:500]],
    }


# Declared after the report paths: "/brain/reports/..." must not be read as an org id.
def _figures(request, org_id: int, period: str | None, *, circle: bool = True) -> dict:
    parsed = selectors.parse_period(period)
    return selectors.cockpit(user=request.user, org_id=org_id, period=parsed, circle=circle)


@router.get("/brain/{org_id}", response=dict[str, Any])
def brain_cockpit(request, org_id: int, query: Query[PeriodQuery]):
    """Every panel of the cockpit for one org's subtree."""
    return _figures(request, org_id, query.period)


@router.get("/brain/{org_id}/{panel}", response=dict[str, Any])
def brain_panel(request, org_id: int, panel: str, query: Query[PeriodQuery]):
    """One panel: members, organisation, service, circle, trends, children or funnel."""
    selectors.check_panel(panel)
    figures = _figures(request, org_id, query.period, circle=panel == "circle")
    return {"org": figures["org"], "period": figures["period"], panel: figures[panel]}


__all__ = ["AnnualReport", "router"]
