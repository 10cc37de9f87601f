"""统计年报 pages: the list (with who has not submitted), one report (fill, submit, approve,
return), its .xlsx. Thin: every write goes through ``services``."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import audit
from gonghui.core.cells import safe_row
from gonghui.core.scoping import Action, scope_for
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.choices import OrgLevel

from . import selectors, services
from .models import AnnualReport, ReportStatus


def _year(request) -> tuple[int, dict]:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    this_year = timezone.localdate().year
    if not raw:
        return this_year, {}
    if not raw.isdigit() or not services.FIRST_YEAR <= int(raw) <= this_year:
        return this_year, {"year": [_("年度须在2000年至今年之间。")]}
    return int(raw), {}


class ReportListView(OfficerViewMixin, View):
    def get(self, request):
        year, errors = _year(request)
        org = selectors.home_org(request.user)
        if request.GET.get("org", "").isdigit():
            org = selectors.org_for(user=request.user, org_id=int(request.GET["org"]))
        rollup = services.report_rollup(user=request.user, org=org, year=year)
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
            "reports": reports[:500],
            "missing": rollup["missing"][:500],
            "fields": services.DATA_FIELDS + services.TYPED_FIELDS,
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
    def _render(self, request, report, errors=None, status=200):
        scope = scope_for(request.user, Action.CHANGE)
        own = scope.covers(report.union.path) and (
            scope.everything or scope.path == report.union.path
        )
        upper = report.union.parent is not None and scope.covers(report.union.parent.path)
        data, typed = services.DATA_FIELDS, services.TYPED_FIELDS
        context = {
            "report": report,
            "data_rows": [(k, label, t, report.figures.get(k)) for k, label, t in data],
            "typed_rows": [(k, label, t, report.typed.get(k, "")) for k, label, t in typed],
            "can_edit": own and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED),
            "can_review": upper and report.status == ReportStatus.SUBMITTED,
            "errors": errors or {},
            "period": services.reference_period(report.year),
        }  # fmt: skip
        return render(request, "brain/report.html", context, status=status)

    def get(self, request, report_id: int):
        return self._render(request, services.report_get(user=request.user, report_id=report_id))

    def post(self, request, report_id: int):
        report = services.report_get(user=request.user, report_id=report_id)
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                typed = {}
                errors = {}
                for key, _label, _table in services.TYPED_FIELDS:
                    raw = (request.POST.get(key) or "").strip()
                    if raw == "":
                        typed[key] = None
                    elif raw.isdigit():
                        typed[key] = int(raw)
                    else:
                        errors[key] = [_("请填写不小于0的整数。")]
                if errors:
                    raise ValidationError(errors)
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
            return self._render(request, report, exc.message_dict, status=422)
        return redirect("brain:report", report.pk)


class ReportExportView(OfficerViewMixin, View):
    """The report in the fixed layout of the 基层工会调查表: cover, then 表一 to 表八."""

    def get(self, request, report_id: int):
        from openpyxl import Workbook

        report = services.report_get(user=request.user, report_id=report_id)
        union = report.union
        start, end = services.reference_period(report.year)
        book = Workbook()
        sheet = book.active
        sheet.title = _("基层工会调查表")
        rows = [
            [_("基层工会调查表"), f"{report.year}"],
            [_("工会组织代码"), union.credit_code or union.path],
            [_("工会名称"), union.name],
            [_("行政区划代码"), union.region_code],
            [_("工会类型"), union.get_org_type_display()],
            [_("统计期间"), f"{start:%Y-%m-%d} — {end:%Y-%m-%d}"],
            [_("状态"), report.get_status_display()],
            [],
            [_("表"), _("指标"), _("数值")],
        ]
        for key, label, table in services.DATA_FIELDS:
            rows.append([table, label, report.figures.get(key)])
        for key, label, table in services.TYPED_FIELDS:
            rows.append([table, label, report.typed.get(key)])
        for row in rows:
            sheet.append(safe_row([str(v) if hasattr(v, "_proxy____cast") else v for v in row]))
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 30
        out = io.BytesIO()
        book.save(out)
        audit.record_export(
            actor=request.user,
            model=AnnualReport,
            org_path=union.path,
            label=_("统计年报导出"),
            filters={"union": union.name, "year": report.year},
            rows=len(services.DATA_FIELDS) + len(services.TYPED_FIELDS),
        )
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="report-{union.pk}-{report.year}.xlsx"'
        )
        return response
