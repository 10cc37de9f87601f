"""Bargaining pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from gonghui.core.scoping import Action
from gonghui.core.views import FormPage, OfficerViewMixin, submit
from gonghui.organizations.selectors import org_options, scope_root

from . import forms, selectors, services


def _choices(user) -> dict:
    return {"orgs": org_options(user=user), "enterprises": selectors.enterprise_options(user=user)}


class BargainingView(OfficerViewMixin, View):
    def get(self, request, form=None, status=200):
        root = scope_root(user=request.user)
        context = {
            "agreements": selectors.agreement_list(user=request.user)[:200],
            "procedures": selectors.procedure_list(user=request.user)[:200],
            "congresses": selectors.congress_list(user=request.user)[:200],
            "rate": selectors.congress_rate(org=root) if root else None,
            "root": root,
            "today": timezone.localdate(),
            "form": form or self._form(request),
        }
        return render(request, "bargaining/bargaining.html", context, status=status)

    def _form(self, request, data=None):
        return forms.AgreementForm(data, **_choices(request.user))

    def post(self, request):
        form = self._form(request, request.POST)

        def create(**data):
            services.agreement_create(actor=request.user, **data)
            return "bargaining:bargaining"

        return submit(request, form, create, _("协议已登记。")) or self.get(
            request, form=form, status=422
        )


class ProcedureOpenView(FormPage):
    title = gettext_lazy("发出协商要约（一函两书）")
    done = gettext_lazy("要约函已登记，企业应在20日内书面答复。")

    def form(self, request, obj, data=None):
        return forms.ProcedureForm(data, **_choices(request.user))

    def save(self, request, obj, **data):
        return services.procedure_open(actor=request.user, **data)


class CongressCreateView(FormPage):
    title = gettext_lazy("登记职工代表大会")
    done = gettext_lazy("职代会已登记。")

    def form(self, request, obj, data=None):
        return forms.CongressForm(data, enterprises=selectors.enterprise_options(user=request.user))

    def save(self, request, obj, **data):
        return services.congress_create(actor=request.user, **data)


class AgreementEditView(FormPage):
    title = gettext_lazy("修改工资集体协议")
    done = gettext_lazy("协议已更新。")

    def get_object(self, request, pk):
        return selectors.get(selectors.agreement_list(user=request.user), user=request.user,
                             pk=pk, action=Action.CHANGE)  # fmt: skip

    def form(self, request, obj, data=None):
        initial = {name: getattr(obj, name) for name in forms.AgreementEditForm.base_fields}
        return forms.AgreementEditForm(data, initial=initial)

    def save(self, request, obj, **data):
        return services.agreement_update(actor=request.user, agreement=obj, **data)


class DetailPage(OfficerViewMixin, View):
    """An object's page with the form of its next step; the form posts back here."""

    template = ""
    done = ""

    def queryset(self, user):
        raise NotImplementedError

    def get_object(self, request, pk, action=Action.VIEW):
        return selectors.get(self.queryset(request.user), user=request.user, pk=pk, action=action)

    def form(self, obj, data=None):
        raise NotImplementedError

    def save(self, request, obj, **data):
        raise NotImplementedError

    def extra(self, obj) -> dict:
        return {}

    def get(self, request, pk, form=None, status=200):
        obj = self.get_object(request, pk)
        context = {"object": obj, "form": form or self.form(obj), "today": timezone.localdate(),
                   **self.extra(obj)}  # fmt: skip
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        obj = self.get_object(request, pk, Action.CHANGE)
        form = self.form(obj, request.POST)

        def call(**data):
            self.save(request, obj, **data)
            return obj

        return submit(request, form, call, self.done) or self.get(request, pk, form, status=422)


class ProcedureDetailView(DetailPage):
    template = "bargaining/procedure_detail.html"
    done = gettext_lazy("文书已登记。")

    def queryset(self, user):
        return selectors.procedure_list(user=user)

    def form(self, obj, data=None):
        return forms.LetterForm(data, kinds=services.letter_kinds_open(obj))

    def extra(self, obj) -> dict:
        deadline = selectors.procedure_deadline(obj)
        if deadline is None:
            return {}
        return {"deadline": deadline.letter, "deadline_days": deadline.days,
                "days_left": (deadline.letter.due_on - timezone.localdate()).days}  # fmt: skip

    def save(self, request, obj, **data):
        services.procedure_letter_add(actor=request.user, procedure=obj, **data)


class AgreementDetailView(DetailPage):
    template = "bargaining/agreement_detail.html"
    done = gettext_lazy("审查情况已记录。")

    def queryset(self, user):
        return selectors.agreement_list(user=user)

    def form(self, obj, data=None):
        return forms.ReviewForm(data, steps=services.review_steps(obj))

    def save(self, request, obj, **data):
        services.agreement_review(actor=request.user, agreement=obj, **data)


class CongressDetailView(DetailPage):
    template = "bargaining/congress_detail.html"
    done = gettext_lazy("会议已登记。")

    def queryset(self, user):
        return selectors.congress_list(user=user)

    def form(self, obj, data=None):
        return forms.SessionForm(data)

    def extra(self, obj) -> dict:
        return {"sessions": selectors.congress_sessions(congress=obj)}

    def save(self, request, obj, **data):
        services.congress_session_add(actor=request.user, congress=obj, **data)
