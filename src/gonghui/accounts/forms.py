from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.organizations.autocomplete import OrgAutocompleteField

from . import totp
from .choices import GrantRole


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。多次失败后账号将被暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")

    otp_token = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=8,
        help_text=_("已开启双重验证的账号请填写验证器App中的6位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if totp.requires_totp(user) and not totp.verify(user, self.cleaned_data.get("otp_token")):
            raise ValidationError({"otp_token": _("请输入正确的动态验证码。")}, code="otp_required")


class TotpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ManagedOrgField(OrgAutocompleteField):
    """The searchable org picker, limited to the orgs the user manages accounts for."""

    def __init__(self, **kwargs):
        super().__init__(purpose="manage_accounts", **kwargs)


PRIMARY_ROLE_CHOICES = [
    (GrantRole.OFFICER, GrantRole.OFFICER.label),
    (GrantRole.AUDITOR, GrantRole.AUDITOR.label),
]


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    organization = ManagedOrgField(label=_("所属工会"))
    role = forms.ChoiceField(label=_("主要角色"), choices=PRIMARY_ROLE_CHOICES)
    requires_second_factor = forms.BooleanField(label=_("须双重验证"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class AccountEditForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    requires_second_factor = forms.BooleanField(label=_("须双重验证"), required=False)


class GrantForm(forms.Form):
    organization = ManagedOrgField(label=_("工会组织"))
    role = forms.ChoiceField(label=_("授权角色"), choices=GrantRole.choices)
    requires_second_factor = forms.BooleanField(label=_("须双重验证"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=256,
    )
    password_again = forms.CharField(
        label=_("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=256,
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data
