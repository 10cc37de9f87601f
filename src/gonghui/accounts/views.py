import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import ratelimit
from gonghui.core.forms import apply_service_errors
from gonghui.core.views import OfficerViewMixin

from . import selectors, services, totp
from .forms import (
    AccountCreateForm,
    AccountEditForm,
    GrantForm,
    LoginForm,
    SetPasswordForm,
    TotpTokenForm,
)


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


class AccountManagerMixin(OfficerViewMixin):
    """Pages for accounts holding the account-manager grant; for anyone else they do not exist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_manage_accounts(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AccountListView(AccountManagerMixin, View):
    def get(self, request):
        accounts = list(selectors.managed_accounts(user=request.user)[:500])
        return render(request, "accounts/manage_list.html", {"accounts": accounts})


class AccountCreateView(AccountManagerMixin, View):
    template_name = "accounts/manage_form.html"

    def form(self, request, data=None):
        return AccountCreateForm(data, orgs=selectors.manage_org_options(user=request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(request)})

    def post(self, request):
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                account = services.officer_account_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("账号已建立。请生成设置密码链接交给本人。"))
                return redirect("accounts:manage-detail", pk=account.pk)
        return render(request, self.template_name, {"form": form}, status=422)


class AccountDetailView(AccountManagerMixin, View):
    """One managed account: edit, grants, disable/re-enable, unlock, set-password link."""

    template_name = "accounts/manage_detail.html"

    def context(self, request, account, edit_form=None, grant_form=None, link=None, error=None):
        orgs = selectors.manage_org_options(user=request.user)
        return {
            "account": account,
            "grants": selectors.account_grants(account=account),
            "locked": selectors.is_locked_out(account),
            "edit_form": edit_form
            or AccountEditForm(
                initial={
                    "display_name": account.display_name,
                    "phone": account.phone,
                    "requires_second_factor": account.requires_second_factor,
                }
            ),
            "grant_form": grant_form or GrantForm(orgs=orgs),
            "link": link,
            "action_error": error,
        }

    def get(self, request, pk):
        account = selectors.managed_account_get(user=request.user, pk=pk)
        return render(request, self.template_name, self.context(request, account))

    def post(self, request, pk):
        account = selectors.managed_account_get(user=request.user, pk=pk)
        action = request.POST.get("action")
        extra = {}
        try:
            if action == "edit":
                form = extra["edit_form"] = AccountEditForm(request.POST)
                if not form.is_valid():
                    raise ValidationError({})
                services.officer_account_update(
                    actor=request.user, user=account, **form.cleaned_data
                )
                messages.success(request, _("账号信息已保存。"))
            elif action == "grant":
                orgs = selectors.manage_org_options(user=request.user)
                form = extra["grant_form"] = GrantForm(request.POST, orgs=orgs)
                if not form.is_valid():
                    raise ValidationError({})
                services.role_grant_add(actor=request.user, user=account, **form.cleaned_data)
                messages.success(request, _("已授权。"))
            elif action == "revoke":
                grant = selectors.managed_grant_get(
                    user=request.user, account=account, grant_id=request.POST.get("grant")
                )
                services.role_grant_revoke(actor=request.user, grant=grant)
                messages.success(request, _("已收回授权。"))
            elif action in ("disable", "enable"):
                services.officer_account_set_active(
                    actor=request.user, user=account, active=action == "enable"
                )
                messages.success(
                    request, _("账号已启用。") if action == "enable" else _("账号已停用。")
                )
            elif action == "unlock":
                services.account_unlock(actor=request.user, user=account)
                messages.success(request, _("账号已解除锁定。"))
            elif action == "link":
                path = services.password_link_issue(actor=request.user, user=account)
                link = request.build_absolute_uri(path)
                return render(
                    request, self.template_name, self.context(request, account, link=link)
                )
            else:
                raise Http404
        except ValidationError as exc:
            form = extra.get("edit_form") or extra.get("grant_form")
            error = None
            if form is not None:
                apply_service_errors(form, exc)
            else:
                error = " ".join(m for msgs in exc.message_dict.values() for m in msgs)
            account.refresh_from_db()
            return render(
                request,
                self.template_name,
                self.context(request, account, error=error, **extra),
                status=422,
            )
        return redirect("accounts:manage-detail", pk=account.pk)


# Guessing links is bounded per address.
SET_PASSWORD_LIMIT = "set_password_address"


class SetPasswordView(View):
    """The one-time link's page: anyone holding the link sets the account's first password."""

    template_name = "accounts/set_password.html"

    def get(self, request, uidb64, token):
        account = services.password_link_user(uidb64=uidb64, token=token)
        status = 200 if account else 404
        return render(
            request,
            self.template_name,
            {"form": SetPasswordForm(), "account": account},
            status=status,
        )

    def post(self, request, uidb64, token):
        form = SetPasswordForm(request.POST)
        try:
            ratelimit.hit(SET_PASSWORD_LIMIT, ratelimit.address(request))
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            response = render(request, self.template_name, {"form": form, "account": None})
            return ratelimit.with_retry_after(response, exc)
        account = services.password_link_user(uidb64=uidb64, token=token)
        if account is None:
            return render(request, self.template_name, {"form": form, "account": None}, status=404)
        if form.is_valid():
            try:
                services.password_set_by_link(
                    uidb64=uidb64, token=token, password=form.cleaned_data["password"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("密码已设置，请登录。"))
                return redirect("accounts:login")
        return render(request, self.template_name, {"form": form, "account": account}, status=422)
