"""The activities landing page (links to campaigns, training, jobs and discounts, contests,
bargaining) and the cross-domain report with its .xlsx export. Thin: parse, call a selector,
render."""

from __future__ import annotations

import datetime
import io

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.campaigns.models import Campaign
from gonghui.core import audit
from gonghui.core.cells import safe_row
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.selectors import org_options, scope_root

from . import forms, selectors


class IndexView(OfficerViewMixin, View):
    def get(self, request):
        return render(request, "activityreports/index.html")


# ---- Reports ----------------------------------------------------------------------------------


def _report_form(request):
    orgs = org_options(user=request.user, action=Action.VIEW).exclude(level=OrgLevel.GRASSROOTS)
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", datetime.date(today.year, 1, 1).isoformat())
    data.setdefault("end", today.isoformat())
    return forms.ReportForm(data, orgs=orgs)


def _report_for(request, form):
    if not form.is_valid():
        return None
    root = form.cleaned_data["org"] or scope_root(user=request.user)
    if root is None:
        raise Http404
    return selectors.report(org=root, start=form.cleaned_data["start"],
                            end=form.cleaned_data["end"])  # fmt: skip


class ReportView(OfficerViewMixin, View):
    def get(self, request):
        form = _report_form(request)
        report = _report_for(request, form)
        context = {"form": form, "report": report, "query": request.GET.urlencode()}
        return render(
            request, "activityreports/report.html", context, status=200 if report else 422
        )


class ReportExportView(OfficerViewMixin, View):
    """The report as .xlsx: every cell through ``safe_row``, the download an audit row."""

    def get(self, request):
        from openpyxl import Workbook

        form = _report_form(request)
        report = _report_for(request, form)
        if report is None:
            raise Http404
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("普惠活动"))
        sheet.append(safe_row([report.org.name, f"{report.start} ~ {report.end}"]))
        sheet.append(safe_row([_("活动"), _("类型"), _("主办工会"), _("发放次数"), _("受益人数"),
                               _("女职工"), _("按群体")]))  # fmt: skip
        for line in report.campaigns:
            groups = "；".join(f"{label} {n}" for label, n in line.by_group)
            sheet.append(safe_row([line.campaign.name, line.campaign.kind_label,
                                   line.campaign.organizer.name, line.deliveries,
                                   line.beneficiaries, line.female, groups]))  # fmt: skip
        contests = book.create_sheet(_("竞赛"))
        contests.append(safe_row([_("竞赛"), _("开始日期"), _("结束日期"), _("参赛人次")]))
        for contest in report.contests:
            contests.append(safe_row([contest.name, contest.starts_on, contest.ends_on,
                                      contest.entry_count]))  # fmt: skip
        summary = book.create_sheet(_("汇总"))
        summary.append(safe_row([_("培训场次"), report.trainings["sessions"]]))
        summary.append(safe_row([_("培训报名"), report.trainings["enrolled"]]))
        summary.append(safe_row([_("培训签到"), report.trainings["attended"]]))
        summary.append(safe_row([_("有效工资集体协议"), report.agreements["count"]]))
        summary.append(safe_row([_("协议覆盖职工"), report.agreements["workers"]]))
        summary.append(safe_row([_("职代会建制率（%）"), report.congress.percent]))
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        audit.record_export(
            actor=request.user,
            model=Campaign,
            org_path=report.org.path,
            label=_("普惠活动报表导出"),
            filters={"org": report.org, "start": report.start, "end": report.end},
            rows=len(report.campaigns) + len(report.contests),
        )
        name = f"activities-{report.start:%Y%m%d}-{report.end:%Y%m%d}.xlsx"
        return FileResponse(out, as_attachment=True, filename=name)
