"""Bargaining pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.views import OfficerViewMixin
from gonghui.enterprises.models import Enterprise
from gonghui.organizations.selectors import org_options, scope_root

from . import forms, selectors, services


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


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
            "form": form or forms.AgreementForm(orgs=org_options(user=request.user)),
        }
        return render(request, "bargaining/bargaining.html", context, status=status)

    def post(self, request):
        form = forms.AgreementForm(request.POST, orgs=org_options(user=request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            org, enterprise_id = data.pop("org"), data.pop("enterprise")
            try:
                enterprise = None
                if enterprise_id:
                    enterprise = (
                        Enterprise.objects.visible_to(request.user)
                        .filter(pk=enterprise_id)
                        .select_related("street_org")
                        .first()
                    )
                    if enterprise is None:
                        raise ValidationError({"enterprise": _("企业不存在或不在您的管辖范围内。")})
                services.agreement_create(actor=request.user, org=org, enterprise=enterprise,
                                          **data)  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("协议已登记。"))
                return redirect("bargaining:bargaining")
        return self.get(request, form=form, status=422)
