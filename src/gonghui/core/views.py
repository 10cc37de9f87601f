"""Shared view plumbing: the one mixin through which every officer page reaches its data."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views import View

from gonghui.core import selectors


class OfficerViewMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; accounts without an officer scope get the same 404
    an out-of-scope object gives, so the page's existence says nothing about the data."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.can_read_officer_pages:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def home(request):
    user = request.user
    context = {}
    if user.is_authenticated and user.can_read_officer_pages:
        from gonghui.organizations.selectors import org_roots_for, org_subtree_counts

        roots = list(org_roots_for(user=user))
        context["scope_roots"] = [(org, org_subtree_counts(org=org)) for org in roots[:5]]
    return render(request, "core/home.html", context)


class AuditLogView(OfficerViewMixin, View):
    def get(self, request):
        entries = selectors.audit_list(
            user=request.user,
            content_type=request.GET.get("type") or None,
            object_id=request.GET.get("object_id") or None,
        ).select_related("actor")
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        return render(request, "core/audit_log.html", {"page": page})
