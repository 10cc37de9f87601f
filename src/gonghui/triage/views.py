"""Triage pages: the suggestion panel on a case (an htmx partial the case page includes) and the
group-arrears alerts. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.views import OfficerViewMixin, form_submitted

from . import forms, selectors, services
from .models import AlertStatus


class SuggestionPanel(OfficerViewMixin, View):
    """GET: the panel (triaging the case first if the background job has not yet); POST: the
    officer's decision, answered with the panel again (htmx) or a redirect to the case."""

    def get(self, request, pk, form=None, status=200):
        case, suggestion = selectors.suggestion_for_case(request.user, pk)
        can_decide = selectors.can_decide(request.user, case)
        if suggestion is None and can_decide:
            suggestion = services.on_case_created(case)
        if form is None and suggestion is not None:
            form = forms.DecisionForm(
                initial={
                    "case_type": suggestion.chosen_type_code or suggestion.case_type_code,
                    "urgency": suggestion.chosen_urgency or suggestion.urgency,
                }
            )
        names = selectors.type_names()
        closest = selectors.visible_neighbours(
            request.user, suggestion.closest if suggestion else []
        )
        context = {
            "case": case,
            "suggestion": suggestion,
            "type_name": names.get(suggestion.case_type_code, "") if suggestion else "",
            "chosen_name": names.get(suggestion.chosen_type_code, "") if suggestion else "",
            "closest": [
                {**n, "type_name": names.get(n["case_type"], n["case_type"])} for n in closest
            ],
            "form": form if can_decide else None,
        }
        return render(request, "triage/_suggestion.html", context, status=status)

    def post(self, request, pk):
        case, _suggestion = selectors.suggestion_for_case(request.user, pk)
        form = forms.DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.suggestion_decide(
                    actor=request.user,
                    case=case,
                    case_type_code=form.cleaned_data["case_type"],
                    urgency=form.cleaned_data["urgency"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if request.headers.get("HX-Request"):
                    return self.get(request, pk)
                messages.success(request, _("分拣结果已确认。"))
                return redirect(case.get_absolute_url())
        return self.get(request, pk, form=form, status=422)


class AlertList(OfficerViewMixin, View):
    def get(self, request):
        status = request.GET.get("status", AlertStatus.OPEN)
        if status not in AlertStatus.values and status != "all":
            status = AlertStatus.OPEN
        alerts = selectors.alerts_for(request.user, None if status == "all" else status)
        context = {
            "alerts": alerts.prefetch_related("cases")[:200],
            "status": status,
            "statuses": AlertStatus.choices,
            "threshold": services.alert_threshold(),
            "window": services.alert_window_days(),
        }
        return render(request, "triage/alerts.html", context)


class AlertDetail(OfficerViewMixin, View):
    def get(self, request, pk, merge_form=None, dismiss_form=None, status=200):
        alert = selectors.alert_detail(request.user, pk)
        cases = list(selectors.alert_cases(alert))
        open_ = alert.status == AlertStatus.OPEN and selectors.can_change_alert(request.user, alert)
        context = {
            "alert": alert,
            "cases": cases,
            "merge_form": (merge_form or forms.MergeForm(cases=cases)) if open_ else None,
            "dismiss_form": (dismiss_form or forms.DismissForm()) if open_ else None,
        }
        return render(request, "triage/alert.html", context, status=status)

    def post(self, request, pk):
        alert = selectors.alert_detail(request.user, pk)
        action = request.POST.get("action")
        if action == "merge":
            form = forms.MergeForm(request.POST, cases=selectors.alert_cases(alert))
            call, done = services.alert_merge, _("已合并为群体案件。")
        elif action == "dismiss":
            form = forms.DismissForm(request.POST)
            call, done = services.alert_dismiss, _("预警已排除。")
        else:
            raise Http404
        if form_submitted(request, form, partial(call, actor=request.user, alert=alert), done):
            return redirect(alert.get_absolute_url())
        key = "merge_form" if action == "merge" else "dismiss_form"
        return self.get(request, pk, status=422, **{key: form})
