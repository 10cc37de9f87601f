"""Contests pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from gonghui.core.scoping import Action
from gonghui.core.views import FormPage, OfficerViewMixin, submit
from gonghui.organizations.selectors import org_options, scope_root

from . import forms, selectors, services
from .models import Craftsman, CraftsmanStudio


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


class ContestCreateView(FormPage):
    title = gettext_lazy("新建竞赛")
    done = gettext_lazy("竞赛已创建。")

    def form(self, request, obj, data=None):
        return forms.ContestForm(data, orgs=org_options(user=request.user))

    def save(self, request, obj, **data):
        return services.contest_create(actor=request.user, **data)


class ContestDetailView(OfficerViewMixin, View):
    """A contest: rounds, ranking (with the result metric), and the forms that add an entry or
    a round and record a score or a metric value."""

    FORMS = {"entry": "entry_form", "score": "score_form", "round": "round_form",
             "metric": "metric_form"}  # fmt: skip

    def _contest(self, request, pk, action=Action.VIEW):
        return selectors.get(selectors.contest_list(user=request.user), user=request.user, pk=pk,
                             action=action)  # fmt: skip

    def _forms(self, contest, action=None, data=None) -> dict:
        built = {
            "entry_form": lambda d: forms.EntryForm(d),
            "score_form": lambda d: forms.ScoreForm(d, contest=contest),
            "round_form": lambda d: forms.RoundForm(d),
            "metric_form": lambda d: forms.MetricForm(d, contest=contest),
        }
        posted = self.FORMS.get(action)
        return {name: make(data if name == posted else None) for name, make in built.items()}

    def get(self, request, pk, bound=None, status=200):
        contest = self._contest(request, pk)
        context = {
            "contest": contest,
            "rounds": selectors.contest_rounds(contest=contest),
            "ranking": selectors.ranking(contest=contest),
            "entries": contest.entries.order_by("-id")[:20],
            **self._forms(contest),
            **(bound or {}),
        }
        return render(request, "contests/contest_detail.html", context, status=status)

    def post(self, request, pk):
        contest = self._contest(request, pk, Action.CHANGE)
        action = request.POST.get("action")
        if action not in self.FORMS:
            action = "score"
        name = self.FORMS[action]
        form = self._forms(contest, action, request.POST)[name]
        actor = request.user
        calls = {
            "entry": lambda **d: services.contest_entry_add(actor=actor, contest=contest, **d),
            "round": lambda **d: services.contest_round_add(actor=actor, contest=contest, **d),
            "score": lambda round, entry, score: services.score_record(
                actor=actor, contest_round=round, entry=entry, score=score
            ),
            "metric": lambda entry, value: services.entry_metric_record(
                actor=actor, entry=entry, value=value
            ),
        }
        done = {"entry": _("已报名。"), "round": _("轮次已添加。"), "score": _("成绩已录入。"),
                "metric": _("指标值已录入。")}  # fmt: skip

        def call(**data):
            calls[action](**data)
            return contest

        response = submit(request, form, call, done[action])
        return response or self.get(request, pk, bound={name: form}, status=422)


class CraftsmanNominateView(FormPage):
    title = gettext_lazy("推荐工匠候选人")
    done = gettext_lazy("已推荐提名。")

    def form(self, request, obj, data=None):
        return forms.CraftsmanForm(data, orgs=org_options(user=request.user))

    def save(self, request, obj, **data):
        services.craftsman_nominate(actor=request.user, **data)
        return "contests:contest-list"


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


class StudioListView(OfficerViewMixin, View):
    def get(self, request):
        page = Paginator(selectors.studio_list(user=request.user), 50).get_page(
            request.GET.get("page")
        )
        return render(request, "contests/studios.html", {"page": page})


class StudioCreateView(FormPage):
    title = gettext_lazy("认定工匠工作室")
    done = gettext_lazy("工作室已登记。")

    def form(self, request, obj, data=None):
        return forms.StudioCreateForm(
            data,
            orgs=org_options(user=request.user),
            leaders=selectors.craftsman_list(user=request.user),
        )

    def save(self, request, obj, **data):
        services.studio_create(actor=request.user, **data)
        return "contests:studio-list"


class StudioEditView(FormPage):
    title = gettext_lazy("修改工匠工作室")
    done = gettext_lazy("工作室已更新。")

    def get_object(self, request, pk):
        return selectors.get(CraftsmanStudio.objects.select_related("org"), user=request.user,
                             pk=pk, action=Action.CHANGE)  # fmt: skip

    def form(self, request, obj, data=None):
        initial = {name: getattr(obj, name) for name in services.STUDIO_FIELDS}
        return forms.StudioForm(data, initial=initial,
                                leaders=selectors.craftsman_list(user=request.user))  # fmt: skip

    def save(self, request, obj, **data):
        services.studio_update(actor=request.user, studio=obj, **data)
        return "contests:studio-list"
