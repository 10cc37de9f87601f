"""Shared view plumbing: the one mixin through which every officer page reaches its data, and
the one-form page that hands valid input to one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from gonghui.core.forms import apply_service_errors


class OfficerViewMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; accounts without an officer scope get the same 404
    an out-of-scope object gives, so the page's existence says nothing about the data."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.can_read_officer_pages:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


# What ``_written`` answers for a form or a service that refused the input.
_REFUSED = object()


def _written(form, write, aliases: dict | None):
    """``write(**cleaned_data)`` for a valid ``form`` and what it returns; ``_REFUSED`` with the
    form's or the service's field errors on the form (the service's names mapped through
    ``aliases``, as ``apply_service_errors`` does)."""
    if not form.is_valid():
        return _REFUSED
    try:
        return write(**form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc, aliases)
        return _REFUSED


def form_submitted(request, form, write, done: str, *, aliases: dict | None = None) -> bool:
    """Validate ``form`` and hand its data to ``write`` (one service call): True once it is
    written (with ``done`` shown), False with the refusal's field errors on the form."""
    if _written(form, write, aliases) is _REFUSED:
        return False
    messages.success(request, done)
    return True


def submit(request, form, call, done: str):
    """Validate ``form``, run the service ``call(**cleaned_data)`` and redirect to what it
    returns; on a field error (the form's or the service's) answer ``None``: show the form."""
    target = _written(form, call, None)
    if target is _REFUSED:
        return None
    messages.success(request, done)
    return redirect(target)


class FormPage(OfficerViewMixin, View):
    """A page with one form whose valid input goes to one service call; with ``pk``, the form
    edits that object (looked up in the user's scope, 404 outside it). A refused input answers
    422 with the form and its field errors; nothing is written."""

    template = "activities/form.html"
    title = ""
    done = ""

    def get_object(self, request, pk):
        return None

    def form(self, request, obj, data=None):
        raise NotImplementedError

    def save(self, request, obj, **data):
        """Call the service; answer where to go next."""
        raise NotImplementedError

    def render_form(self, request, form, status=200):
        return render(request, self.template, {"form": form, "title": self.title}, status=status)

    def get(self, request, pk=None):
        return self.render_form(request, self.form(request, self.get_object(request, pk)))

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.form(request, obj, request.POST)

        def call(**data):
            return self.save(request, obj, **data)

        return submit(request, form, call, self.done) or self.render_form(request, form, 422)
