"""The annual statistics report (统计年报): draft from the data, fill the typed fields, submit
to the upper union, approve or return with a reason. An approved report is locked.

Every write takes ``actor=``, checks scope, runs in one transaction and writes an audit row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, get_visible_or_404, require_in_scope, scope_for
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.models import Organization

from . import annual, selectors
from .models import AnnualReport, ReportStatus

LOCKED = _("该年报已审核通过并锁定，不能再修改。")


def report_get(*, user, report_id: int, action: Action = Action.VIEW) -> AnnualReport:
    return get_visible_or_404(
        AnnualReport.objects.select_related("union", "union__parent"), user, action, pk=report_id
    )


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
    selectors.check_year(year)
    if union.level != OrgLevel.GRASSROOTS:
        raise ValidationError({"union": [_("统计年报由基层工会填报。")]})
    report, created = AnnualReport.objects.select_for_update().get_or_create(union=union, year=year)
    if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        before = audit.snapshot(report)
        report.figures = selectors.report_data(union, year)
        report.cover = annual.cover_of(union)
        report.save()
        _record(actor, report, {} if created else before,
                AuditAction.CREATE if created else AuditAction.UPDATE)  # fmt: skip
    return report


def _unlocked(actor, report: AnnualReport) -> AnnualReport:
    """The report, row-locked for the write, in the actor's scope and not yet approved."""
    report = AnnualReport.objects.select_for_update().select_related("union").get(pk=report.pk)
    require_in_scope(actor, report.union.path, Action.CHANGE)
    if report.is_locked:
        raise ValidationError({"status": [LOCKED]})
    return report


@transaction.atomic
def report_fill(*, actor, report: AnnualReport, typed: dict) -> AnnualReport:
    report = _unlocked(actor, report)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("年报已上报，等待上级审核，不能修改。")]})
    errors = {}
    clean = dict(report.typed)
    for key, value in typed.items():
        if key not in annual.TYPED_KEYS:
            errors[key] = [_("没有这个填报项。")]
        elif value is None or value == "":
            clean.pop(key, None)
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[key] = [_("请填写不小于0的整数。")]
        elif key in annual.FLAG_KEYS and value > 1:
            errors[key] = [_("请填写1（是）或0（否）。")]
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
    report = _unlocked(actor, report)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("年报已上报。")]})
    missing = [str(row.label) for row in annual.TYPED_ROWS if row.key not in report.typed]
    if missing:
        raise ValidationError({"typed": [_("请先填写：") + "、".join(missing)]})
    before = audit.snapshot(report)
    report.figures = selectors.report_data(report.union, report.year)
    report.cover = annual.cover_of(report.union)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.return_reason = ""
    report.save()
    _record(actor, report, before)
    return report


def _review(actor, report: AnnualReport, status: str, reason: str = "") -> AnnualReport:
    """Approve or return a submitted report: only the upper union (an officer whose scope
    covers the union's parent, not the union itself) reviews."""
    report = _unlocked(actor, report)
    parent = report.union.parent
    scope = scope_for(actor, Action.CHANGE)
    if (
        parent is None
        or not scope.covers(parent.path)
        or (not scope.everything and report.union.path in scope.paths)
    ):
        raise ValidationError({"status": [_("年报由上级工会审核。")]})
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("只能审核或退回已上报的年报。")]})
    before = audit.snapshot(report)
    report.status = status
    report.return_reason = reason
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    _record(actor, report, before)
    return report


@transaction.atomic
def report_approve(*, actor, report: AnnualReport) -> AnnualReport:
    """Approve a submitted report: it is locked from then on and counts in the rollups."""
    return _review(actor, report, ReportStatus.APPROVED)


@transaction.atomic
def report_return(*, actor, report: AnnualReport, reason: str) -> AnnualReport:
    """Return a submitted report to its union with the reason; it can be changed again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写退回原因。")]})
    return _review(actor, report, ReportStatus.RETURNED, reason[:300])
