"""The home page (the worker's tiles, the officer's scope and queue) and the audit log pages."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import audit, selectors
from gonghui.core.cells import safe_row
from gonghui.core.forms import AuditFilterForm
from gonghui.core.models import AuditLog
from gonghui.core.scoping import Action, scope_for
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.models import Organization
from gonghui.organizations.selectors import org_roots_for, org_subtree_counts

from .queue import officer_queue


def home(request):
    user = request.user
    context = {}
    if user.is_authenticated and user.can_read_officer_pages:
        roots = list(org_roots_for(user=user))
        context["scope_roots"] = [(org, org_subtree_counts(org=org)) for org in roots[:5]]
        context["queue"] = officer_queue(user=user)
    return render(request, "portal/home.html", context)


def _audit_filters(request):
    """The audit filter form and the selector's keyword arguments for it."""
    user = request.user
    scope = scope_for(user, Action.VIEW)
    orgs = Organization.objects.visible_to(user).active().order_by("path")
    root_depth = user.organization.depth if not scope.everything and user.organization else 0
    orgs = orgs.filter(depth__lte=root_depth + 2).only("pk", "name", "depth", "path")
    form = AuditFilterForm(request.GET or None, types=selectors.audit_object_types(), orgs=orgs)
    filters = {
        "content_type": None,
        "object_id": request.GET.get("object_id") or None,
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.update(
            content_type=data["type"] or None,
            actor=data["actor"].strip() or None,
            start=data["start"],
            end=data["end"],
        )
        if data["org"]:
            org = Organization.objects.visible_to(user).filter(pk=data["org"]).first()
            if org is None:
                raise Http404
            filters["org_path"] = org.path
            filters["org"] = org
    return form, filters


class AuditLogView(OfficerViewMixin, View):
    def get(self, request):
        form, filters = _audit_filters(request)
        filters.pop("org", None)
        entries = selectors.audit_list(user=request.user, **filters).select_related("actor")
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "page": page,
            "rows": selectors.describe_audit(page.object_list, user=request.user),
            "listing": True,
        }
        return render(request, "portal/audit_log.html", context, status=422 if form.errors else 200)


class AuditExportView(OfficerViewMixin, View):
    """The filtered log as .xlsx, in the page's words; the export is itself an audit row."""

    def get(self, request):
        from openpyxl import Workbook

        form, filters = _audit_filters(request)
        if form.errors:
            return render(request, "portal/audit_log.html", {"form": form}, status=422)
        org = filters.pop("org", None)
        entries = selectors.audit_list(user=request.user, **filters).select_related("actor")
        entries = entries[: selectors.AUDIT_EXPORT_MAX_ROWS]
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("审计日志"))
        sheet.append(
            safe_row([_("时间"), _("操作人"), _("操作"), _("对象类型"), _("对象"),
                      _("变更内容"), _("导出行数"), _("IP地址"), _("请求ID")])
        )  # fmt: skip
        count = 0
        chunk = []

        def flush():
            for row in selectors.describe_audit(chunk, user=request.user):
                changes = "\n".join(
                    f"{line.label}: {line.old}" + (f" → {line.new}" if line.new else "")
                    for line in row.lines
                )
                sheet.append(
                    safe_row([row.time.replace(tzinfo=None), row.actor,
                              row.action_label, row.type_label, row.object_repr, changes,
                              row.rows, row.entry.ip, row.entry.request_id])
                )  # fmt: skip
            chunk.clear()

        for entry in entries.iterator(chunk_size=2000):
            chunk.append(entry)
            count += 1
            if len(chunk) == 2000:
                flush()
        flush()
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        scope = scope_for(request.user, Action.VIEW)
        audit.record_export(
            actor=request.user,
            model=AuditLog,
            org_path=org.path if org else (scope.path or ""),
            label=_("审计日志导出"),
            filters={
                "actor": filters.get("actor"),
                "type": filters.get("content_type"),
                "org": org,
                "start": filters.get("start"),
                "end": filters.get("end"),
                "object_id": filters.get("object_id"),
            },
            rows=count,
        )
        name = f"audit-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(out, as_attachment=True, filename=name)
