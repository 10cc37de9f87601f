"""The worker's forms: the two join steps and the phone sign-in."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.members import rules
from gonghui.members.choices import OccupationGroup
from gonghui.members.models import Member


class JoinDetailsForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_card = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    occupation_group = forms.ChoiceField(label=_("职业群体"), choices=OccupationGroup.choices)
    employer_name = forms.CharField(
        label=_("工作单位"), max_length=200, required=False, help_text=_("没有固定单位可不填")
    )
    work_place = forms.CharField(
        label=_("工作地点"),
        max_length=200,
        required=False,
        help_text=_("例如：浏阳市集里街道"),
    )

    PREFILLED = ("name", "phone", "employer_name", "work_place")
    # The real-name profile, all optional: behind "more details" on the page, so a worker in a
    # hurry joins with the fields above and completes the rest later on their card page.
    PROFILE = rules.PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's own fields, so the join refuses what the profile page refuses.
        self.fields.update(forms.fields_for_model(Member, fields=self.PROFILE))

    def main_fields(self):
        return [self[name] for name in self.fields if name not in self.PROFILE]

    def profile_fields(self):
        return [self[name] for name in self.PROFILE if name in self.fields]

    def profile_has_errors(self) -> bool:
        return any(name in self.errors for name in self.PROFILE)

    @classmethod
    def initial_from(cls, query) -> dict:
        """What a link may pre-fill (a non-member's appeal offers to join with what it was
        told): the plain text fields only, cut to their length, control characters dropped."""
        initial = {}
        for name in cls.PREFILLED:
            if name in query:
                text = "".join(ch for ch in query[name] if unicodedata.category(ch)[0] != "C")
                initial[name] = text.strip()[: cls.base_fields[name].max_length]
        return initial

    def clean_id_card(self):
        value = self.cleaned_data["id_card"]
        try:
            return rules.clean_id_card(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["id_card"]) from None

    def clean_phone(self):
        try:
            return rules.clean_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["phone"]) from None

    def clean(self):
        data = super().clean()
        # A form field does not carry its model field's validators (a ModelForm runs them on
        # the instance): the region codes, the contact's mobile and the year are checked here.
        for name in self.PROFILE:
            value = data.get(name)
            if value not in (None, ""):
                try:
                    Member._meta.get_field(name).run_validators(value)
                except ValidationError as exc:
                    self.add_error(name, exc)
        if not data.get("employer_name") and not data.get("work_place"):
            self.add_error("work_place", _("请填写工作单位或工作地点，以便为您推荐工会。"))
        return data


class JoinConfirmForm(JoinDetailsForm):
    union_id = forms.IntegerField(label=_("选择工会"), widget=forms.RadioSelect)
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union_id"].widget = forms.RadioSelect(
            choices=[(p.union.pk, p.union.name) for p in proposals]
        )
        for name in (*JoinDetailsForm.base_fields, *self.PROFILE):
            self.fields[name].widget = forms.HiddenInput()


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
