import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.views import OfficerViewMixin

from . import totp
from .forms import LoginForm, TotpTokenForm


class LoginView(auth_views.LoginView):
    """Officers sign in here and land on ``?next=`` when it is a same-site URL (Django's
    ``url_has_allowed_host_and_scheme``), else on the home page. A signed-in officer is sent on
    at once; a signed-in worker sees the form (their ``next`` would only answer 404)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    @property
    def redirect_authenticated_user(self):
        return getattr(self.request.user, "can_read_officer_pages", False)


class LogoutView(auth_views.LogoutView):
    pass


class SecurityView(OfficerViewMixin, View):
    """Turn the TOTP second factor on (scan, then prove it with a code) or off (with a code).

    For accounts that sign in with a password (officers, the auditor); workers sign in with a
    code sent to their phone, so for them the page does not exist (404)."""

    template_name = "accounts/security.html"

    def context(self, request, form=None, device=None):
        enabled = totp.requires_totp(request.user)
        qr = manual_key = None
        if device is not None:
            qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
            manual_key = base64.b32encode(device.bin_key).decode().rstrip("=")
        return {
            "enabled": enabled,
            "form": form or TotpTokenForm(),
            "device": device,
            "qr": qr,
            "manual_key": manual_key,
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        action = request.POST.get("action")
        if action == "start":
            device = totp.totp_start(user=request.user)
            return render(request, self.template_name, self.context(request, device=device))
        form = TotpTokenForm(request.POST)
        if form.is_valid():
            try:
                if action == "confirm":
                    totp.totp_confirm(user=request.user, token=form.cleaned_data["token"])
                    messages.success(request, _("双重验证已开启。"))
                elif action == "disable":
                    totp.totp_disable(user=request.user, token=form.cleaned_data["token"])
                    messages.success(request, _("双重验证已关闭。"))
                return redirect("accounts:security")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return render(request, self.template_name, self.context(request, form=form), status=422)
