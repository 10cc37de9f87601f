"""Shared view plumbing: the one mixin through which every officer page reaches its data."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404


class OfficerViewMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; accounts without an officer scope get the same 404
    an out-of-scope object gives, so the page's existence says nothing about the data."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.can_read_officer_pages:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
