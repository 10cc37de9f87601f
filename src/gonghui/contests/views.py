"""Contests pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.selectors import scope_root

from . import forms, selectors, services
from .models import Craftsman


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class ContestListView(OfficerViewMixin, View):
    def get(self, request):
        root = scope_root(user=request.user)
        context = {
            "page": Paginator(selectors.contest_list(user=request.user), 50).get_page(
                request.GET.get("page")
            ),
            "craftsmen": selectors.craftsman_list(user=request.user)[:100],
            "studios": selectors.studio_list(user=request.user)[:100],
            "counts": selectors.craftsman_counts(org=root) if root else None,
        }
        return render(request, "contests/contests.html", context)


class ContestDetailView(OfficerViewMixin, View):
    """A contest: rounds, ranking, and forms to add an entry and record a score."""

    def _contest(self, request, pk, action=Action.VIEW):
        return selectors.get(selectors.contest_list(user=request.user), user=request.user, pk=pk,
                             action=action)  # fmt: skip

    def get(self, request, pk, entry_form=None, score_form=None, status=200):
        contest = self._contest(request, pk)
        context = {
            "contest": contest,
            "rounds": selectors.contest_rounds(contest=contest),
            "ranking": selectors.ranking(contest=contest),
            "entries": contest.entries.order_by("-id")[:20],
            "entry_form": entry_form or forms.EntryForm(),
            "score_form": score_form or forms.ScoreForm(contest=contest),
        }
        return render(request, "contests/contest_detail.html", context, status=status)

    def post(self, request, pk):
        contest = self._contest(request, pk, Action.CHANGE)
        if request.POST.get("action") == "entry":
            form = forms.EntryForm(request.POST)
            if form.is_valid():
                try:
                    services.contest_entry_add(actor=request.user, contest=contest,
                                               **form.cleaned_data)  # fmt: skip
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, _("已报名。"))
                    return redirect(contest)
            return self.get(request, pk, entry_form=form, status=422)
        form = forms.ScoreForm(request.POST, contest=contest)
        if form.is_valid():
            try:
                services.score_record(
                    actor=request.user, contest_round=form.cleaned_data["round"],
                    entry=form.cleaned_data["entry"], score=form.cleaned_data["score"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("成绩已录入。"))
                return redirect(contest)
        return self.get(request, pk, score_form=form, status=422)


class CraftsmanStepView(OfficerViewMixin, View):
    """Advance a craftsman candidate one step (or end the selection)."""

    def post(self, request, pk):
        craftsman = selectors.get(Craftsman.objects.select_related("org"), user=request.user,
                                  pk=pk, action=Action.CHANGE)  # fmt: skip
        try:
            if request.POST.get("action") == "reject":
                services.craftsman_reject(actor=request.user, craftsman=craftsman)
            else:
                notice = request.POST.get("notice_ends_on") or None
                services.craftsman_advance(
                    actor=request.user, craftsman=craftsman,
                    notice_ends_on=datetime.date.fromisoformat(notice) if notice else None,
                )  # fmt: skip
        except ValueError:
            messages.error(request, _("请输入有效日期（YYYY-MM-DD）。"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已更新评选状态。"))
        return redirect("contests:contest-list")
