"""统计年报 pages: the list (the level-by-level rollup, who has not submitted), one report (fill,
submit, approve, return), the .xlsx of a report or of a rollup. Thin: writes go through
``services``, reads through ``selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import audit
from gonghui.core.scoping import Action, scope_for
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.choices import OrgLevel

from . import annual, selectors, services
from .export import report_xlsx
from .models import AnnualReport, ReportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> tuple[int, dict]:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if not raw:
        return timezone.localdate().year, {}
    try:
        return selectors.check_year(raw), {}
    except ValidationError as exc:
        return timezone.localdate().year, exc.message_dict


def _org(request):
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        return selectors.org_for(user=request.user, org_id=int(org_id))
    return selectors.home_org(request.user)


def _tables(values, editable=frozenset(), errors=None):
    """The layout with each row's value for the templates:
    [(table, [(row, value, editable, errors)])]."""
    errors = errors or {}
    return [
        (table, [(row, values(row.key), row.key in editable, errors.get(row.key, []))
                 for row in table.rows])
        for table in annual.TABLES
    ]  # fmt: skip


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReportListView(OfficerViewMixin, View):
    def get(self, request):
        year, errors = _year(request)
        org = _org(request)
        rollup = selectors.report_rollup(user=request.user, org=org, year=year)
        reports = (
            AnnualReport.objects.visible_to(request.user)
            .filter(union__path__subtree_of=org.path, year=year)
            .select_related("union")
            .order_by("union__path")
        )
        context = {
            "org": org,
            "year": year,
            "errors": errors,
            "rollup": rollup,
            "tables": _tables(rollup["totals"].get),
            "reports": reports[:500],
            "missing": rollup["missing_unions"][:500],
            "can_draft": org.level == OrgLevel.GRASSROOTS
            and scope_for(request.user, Action.CHANGE).covers(org.path),
        }
        return render(request, "brain/reports.html", context, status=422 if errors else 200)

    def post(self, request):
        year, errors = _year(request)
        org = selectors.home_org(request.user)
        if errors:
            messages.error(request, errors["year"][0])
            return redirect("brain:reports")
        try:
            report = services.report_draft(actor=request.user, union=org, year=year)
        except ValidationError as exc:
            for items in exc.message_dict.values():
                for item in items:
                    messages.error(request, item)
            return redirect("brain:reports")
        return redirect("brain:report", report.pk)


class ReportDetailView(OfficerViewMixin, View):
    def _render(self, request, report, errors=None, status=200, posted=None):
        scope = scope_for(request.user, Action.CHANGE)
        own = scope.covers(report.union.path) and (
            scope.everything or report.union.path in scope.paths
        )
        upper = report.union.parent is not None and scope.covers(report.union.parent.path)
        can_edit = own and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

        def value(key):
            if posted is not None and key in annual.TYPED_KEYS:
                return posted.get(key, "")
            return annual.value_of(report, key)

        context = {
            "report": report,
            "cover": [(label, report.cover.get(key, "")) for key, label in annual.COVER],
            "tables": _tables(value, annual.TYPED_KEYS if can_edit else frozenset(), errors),
            "can_edit": can_edit,
            "can_review": upper and report.status == ReportStatus.SUBMITTED,
            "errors": errors or {},
            "period": annual.reference_period(report.year),
        }
        return render(request, "brain/report.html", context, status=status)

    def get(self, request, report_id: int):
        return self._render(request, services.report_get(user=request.user, report_id=report_id))

    def post(self, request, report_id: int):
        report = services.report_get(user=request.user, report_id=report_id)
        action = request.POST.get("action")
        posted = None
        try:
            if action in ("save", "submit"):
                posted = {k: (request.POST.get(k) or "").strip() for k in annual.TYPED_KEYS}
                errors = {k: [_("请填写不小于0的整数。")]
                          for k, raw in posted.items() if raw and not raw.isdigit()}  # fmt: skip
                if errors:
                    raise ValidationError(errors)
                typed = {k: int(raw) if raw else None for k, raw in posted.items()}
                report = services.report_fill(actor=request.user, report=report, typed=typed)
                if action == "submit":
                    report = services.report_submit(actor=request.user, report=report)
                    messages.success(request, _("年报已上报。"))
                else:
                    messages.success(request, _("已保存。"))
            elif action == "approve":
                report = services.report_approve(actor=request.user, report=report)
                messages.success(request, _("年报已审核通过。"))
            elif action == "return":
                reason = request.POST.get("reason", "")
                report = services.report_return(actor=request.user, report=report, reason=reason)
                messages.success(request, _("年报已退回。"))
            else:
                raise ValidationError({"action": [_("没有这个操作。")]})
        except ValidationError as exc:
            report.refresh_from_db()
            return self._render(request, report, exc.message_dict, status=422, posted=posted)
        return redirect("brain:report", report.pk)


class ReportExportView(OfficerViewMixin, View):
    """One report in the fixed layout of the 基层工会调查表: cover, then 表一 to 表八."""

    def get(self, request, report_id: int):
        report = services.report_get(user=request.user, report_id=report_id)
        content, rows = report_xlsx(
            cover=report.cover or annual.cover_of(report.union),
            year=report.year,
            status=report.get_status_display(),
            values=lambda key: annual.value_of(report, key),
        )
        audit.record_export(
            actor=request.user,
            model=AnnualReport,
            org_path=report.union.path,
            label=_("统计年报导出"),
            filters={"union": report.union.name, "year": report.year},
            rows=rows,
        )
        return _xlsx(content, f"report-{report.union.pk}-{report.year}.xlsx")


class ReportRollupExportView(OfficerViewMixin, View):
    """The approved reports of an org's subtree summed, in the same fixed layout."""

    def get(self, request):
        year, errors = _year(request)
        org = _org(request)
        if errors:
            return render(request, "brain/reports.html", {"errors": errors, "org": org,
                                                          "year": year}, status=422)  # fmt: skip
        rollup = selectors.report_rollup(user=request.user, org=org, year=year)
        status = _("汇总：已审核 %(a)s 份，基层工会 %(g)s 个") % {
            "a": rollup[ReportStatus.APPROVED],
            "g": rollup["grassroots"],
        }
        content, rows = report_xlsx(
            cover=annual.cover_of(org), year=year, status=status,
            values=rollup["totals"].get,
        )  # fmt: skip
        audit.record_export(
            actor=request.user,
            model=AnnualReport,
            org_path=org.path,
            label=_("统计年报汇总导出"),
            filters={"org": org.name, "year": year},
            rows=rows,
        )
        return _xlsx(content, f"report-rollup-{org.pk}-{year}.xlsx")
