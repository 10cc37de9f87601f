"""The annual statistics report (统计年报): draft from the data, fill the typed fields, submit
to the upper union, approve or return with a reason. An approved report is locked.

Every write takes ``actor=``, checks scope, runs in one transaction and writes an audit row.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, get_visible_or_404, require_in_scope, scope_for
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.models import Organization

from .models import AnnualReport, ReportStatus

FIRST_YEAR = 2000


def reference_period(year: int) -> tuple[datetime.date, datetime.date]:
    """1 October of the previous year to 30 September (国统制〔2019〕107号)."""
    return datetime.date(year - 1, 10, 1), datetime.date(year, 9, 30)


# (key, label, table) of the figures filled from the data, in the workbook's fixed order.
DATA_FIELDS = (
    ("members", _("会员人数"), _("表一 基本情况")),
    ("women_members", _("女会员人数"), _("表一 基本情况")),
    ("migrant_members", _("农民工会员人数"), _("表一 基本情况")),
    ("new_members", _("本期新入会会员"), _("表一 基本情况")),
    ("employees", _("职工人数"), _("表一 基本情况")),
    ("new_form_members", _("新就业形态劳动者会员"), _("表二 会员构成")),
    ("congress_sessions", _("召开职代会次数"), _("表四 职工代表大会")),
    ("wage_agreements", _("签订工资集体协议"), _("表五 集体协商")),
    ("stations", _("服务阵地"), _("表六 服务阵地")),
    ("aid_paid_yuan", _("困难帮扶金额（元）"), _("表七 帮扶救助")),
)
# The fields the data lacks, typed by the union.
TYPED_FIELDS = (
    ("committee_members", _("工会委员会委员人数"), _("表三 工会委员会")),
    ("committee_women", _("其中女委员"), _("表三 工会委员会")),
    ("full_time_officers", _("专职工会干部"), _("表三 工会委员会")),
    ("dues_income_yuan", _("会费收入（元）"), _("表八 经费")),
    ("spending_yuan", _("经费支出（元）"), _("表八 经费")),
)
TYPED_KEYS = {key for key, _label, _table in TYPED_FIELDS}
LOCKED = _("该年报已审核通过并锁定，不能再修改。")


def data_figures(union: Organization, year: int) -> dict[str, int]:
    """The report's figures from the data for the union's reference period."""
    from gonghui.bargaining.models import CongressSession, WageAgreement
    from gonghui.cases.models import HardshipDisbursement
    from gonghui.enterprises.models import Enterprise
    from gonghui.members.models import Member, MemberEvent
    from gonghui.stations.models import Station

    start, end = reference_period(year)
    path = union.path
    members = Member.objects.filter(union__path__subtree_of=path, status="active").aggregate(
        members=Count("id"),
        women=Count("id", filter=Q(gender="F")),
        migrant=Count("id", filter=Q(is_migrant_worker=True)),
        new_form=Count("id", filter=~Q(occupation_group="other")),
    )
    new_members = MemberEvent.objects.filter(
        union__path__subtree_of=path,
        kind="join",
        created_at__date__gte=start,
        created_at__date__lte=end,
    ).count()
    employees = Enterprise.objects.filter(union__path__subtree_of=path).aggregate(
        n=Sum("employees")
    )["n"]
    aid = HardshipDisbursement.objects.filter(
        application__union__path__subtree_of=path, paid_on__gte=start, paid_on__lte=end
    ).aggregate(n=Sum("amount"))["n"] or Decimal(0)
    return {
        "members": members["members"],
        "women_members": members["women"],
        "migrant_members": members["migrant"],
        "new_members": new_members,
        "employees": employees or 0,
        "new_form_members": members["new_form"],
        "congress_sessions": CongressSession.objects.filter(
            congress__org__path__subtree_of=path, held_on__gte=start, held_on__lte=end
        ).count(),
        "wage_agreements": WageAgreement.objects.filter(
            org__path__subtree_of=path, signed_on__gte=start, signed_on__lte=end
        ).count(),
        "stations": Station.objects.filter(operator__path__subtree_of=path, is_active=True).count(),
        "aid_paid_yuan": int(aid),
    }


def report_get(*, user, report_id: int, action: Action = Action.VIEW) -> AnnualReport:
    return get_visible_or_404(
        AnnualReport.objects.select_related("union", "union__parent"), user, action, pk=report_id
    )


def _check_year(year: int) -> None:
    if year < FIRST_YEAR or year > timezone.localdate().year:
        raise ValidationError({"year": [_("年度须在2000年至今年之间。")]})


def _record(actor, report: AnnualReport, before: dict, action=AuditAction.UPDATE) -> None:
    changes = audit.diff(before, audit.snapshot(report))
    if changes:
        audit.record(
            actor=actor, action=action, instance=report, org_path=report.union.path, changes=changes
        )


@transaction.atomic
def report_draft(*, actor, union: Organization, year: int) -> AnnualReport:
    """The union's report for the year, created or refreshed from the data (until submitted)."""
    require_in_scope(actor, union.path, Action.CHANGE)
    _check_year(year)
    if union.level != OrgLevel.GRASSROOTS:
        raise ValidationError({"union": [_("统计年报由基层工会填报。")]})
    report, created = AnnualReport.objects.select_for_update().get_or_create(union=union, year=year)
    if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        before = audit.snapshot(report)
        report.figures = data_figures(union, year)
        report.save()
        _record(actor, report, {} if created else before,
                AuditAction.CREATE if created else AuditAction.UPDATE)  # fmt: skip
    return report


def _locked_copy(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("union").get(pk=report.pk)


@transaction.atomic
def report_fill(*, actor, report: AnnualReport, typed: dict) -> AnnualReport:
    report = _locked_copy(report)
    require_in_scope(actor, report.union.path, Action.CHANGE)
    if report.is_locked:
        raise ValidationError({"status": [LOCKED]})
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("年报已上报，等待上级审核，不能修改。")]})
    errors = {}
    clean = dict(report.typed)
    for key, value in typed.items():
        if key not in TYPED_KEYS:
            errors[key] = [_("没有这个填报项。")]
        elif value is None or value == "":
            clean.pop(key, None)
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[key] = [_("请填写不小于0的整数。")]
        else:
            clean[key] = value
    if errors:
        raise ValidationError(errors)
    if clean.get("committee_women", 0) > clean.get("committee_members", 0):
        raise ValidationError({"committee_women": [_("女委员人数不能多于委员人数。")]})
    before = audit.snapshot(report)
    report.typed = clean
    report.save()
    _record(actor, report, before)
    return report


@transaction.atomic
def report_submit(*, actor, report: AnnualReport) -> AnnualReport:
    report = _locked_copy(report)
    require_in_scope(actor, report.union.path, Action.CHANGE)
    if report.is_locked:
        raise ValidationError({"status": [LOCKED]})
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("年报已上报。")]})
    missing = [str(label) for key, label, _t in TYPED_FIELDS if key not in report.typed]
    if missing:
        raise ValidationError({"typed": [_("请先填写：") + "、".join(missing)]})
    before = audit.snapshot(report)
    report.figures = data_figures(report.union, report.year)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.return_reason = ""
    report.save()
    _record(actor, report, before)
    return report


def _require_upper(actor, report: AnnualReport) -> None:
    """Only the upper union (an officer whose scope covers the union's parent) reviews."""
    parent = report.union.parent
    scope = scope_for(actor, Action.CHANGE)
    if parent is None or not scope.covers(parent.path):
        raise ValidationError({"status": [_("年报由上级工会审核。")]})
    if not scope.everything and scope.path == report.union.path:
        raise ValidationError({"status": [_("年报由上级工会审核。")]})


@transaction.atomic
def report_approve(*, actor, report: AnnualReport) -> AnnualReport:
    report = _locked_copy(report)
    require_in_scope(actor, report.union.path, Action.CHANGE)
    if report.is_locked:
        raise ValidationError({"status": [LOCKED]})
    _require_upper(actor, report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("只能审核已上报的年报。")]})
    before = audit.snapshot(report)
    report.status = ReportStatus.APPROVED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    _record(actor, report, before)
    return report


@transaction.atomic
def report_return(*, actor, report: AnnualReport, reason: str) -> AnnualReport:
    report = _locked_copy(report)
    require_in_scope(actor, report.union.path, Action.CHANGE)
    if report.is_locked:
        raise ValidationError({"status": [LOCKED]})
    _require_upper(actor, report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("只能退回已上报的年报。")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写退回原因。")]})
    before = audit.snapshot(report)
    report.status = ReportStatus.RETURNED
    report.return_reason = reason[:300]
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    _record(actor, report, before)
    return report


def report_rollup(*, user, org: Organization, year: int) -> dict:
    """Approved reports of the subtree summed level by level, and who has not submitted."""
    reports = AnnualReport.objects.visible_to(user).filter(
        union__path__subtree_of=org.path, year=year
    )
    approved = list(reports.filter(status=ReportStatus.APPROVED))
    totals = {key: 0 for key, _l, _t in DATA_FIELDS + TYPED_FIELDS}
    for report in approved:
        for key in totals:
            totals[key] += int(report.figures.get(key, 0) or report.typed.get(key, 0) or 0)
    grassroots = Organization.objects.filter(
        path__subtree_of=org.path, level=OrgLevel.GRASSROOTS, dissolved_on__isnull=True
    )
    done = reports.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]).values(
        "union_id"
    )
    missing = grassroots.exclude(pk__in=done).order_by("path")
    return {
        "totals": totals,
        "approved": len(approved),
        "submitted": reports.filter(status=ReportStatus.SUBMITTED).count(),
        "grassroots": grassroots.count(),
        "missing": missing,
    }
