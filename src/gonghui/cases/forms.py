"""Page forms. They collect input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.labels import display_name
from gonghui.core.scoping import Action
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from .choices import AidStatus, CaseStatus, FieldType, PaymentMethod


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return single(data, initial)


class CaseForm(forms.Form):
    """The fields every case has, then the case type's own questions, then attachments."""

    member_number = forms.CharField(
        label=_("会员编号"), max_length=20, help_text=_("服务大厅代职工提交时填写")
    )
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    # Required, but checked by the service together with the type's own questions, so a worker
    # sees every missing answer at once.
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = MultipleFileField(
        label=_("附件（图片或PDF，每个不超过10MB）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, case_type, for_officer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_officer:
            del self.fields["member_number"]
        attachment = self.fields.pop("attachment")
        for spec in case_type.form_fields:
            self.fields[spec["name"]] = spec_field(spec)
        self.fields["attachment"] = attachment
        self.spec_names = [spec["name"] for spec in case_type.form_fields]

    def answers(self) -> dict:
        return {name: self.data.get(name, "") for name in self.spec_names}


def spec_field(spec: dict) -> forms.Field:
    # Everything arrives as text; the service types and checks it so the API and page agree.
    common = {"label": display_name(spec["label"]), "required": False}
    kind = spec["type"]
    if kind == FieldType.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldType.CHOICE:
        choices = [("", "——"), *((c, display_name(c)) for c in spec["choices"])]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=200, **common)


class VersionField(forms.IntegerField):
    """The case version the page was showing (optimistic locking); absent means unchecked."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**31 - 1, required=False, **kwargs)


class TransitionForm(forms.Form):
    """A move to another status. Which moves are allowed is the service's answer
    (``case_allowed_transitions``); the form only reads the input."""

    to_status = forms.ChoiceField(label=_("状态"), choices=CaseStatus.choices)
    version = VersionField()
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(label=_("评价"), max_length=500, required=False)


class ReplyForm(forms.Form):
    """A reply to the worker, a worker's message, or an officer's internal note; the service
    says whether it may be sent (empty, too long, case ended)."""

    body = forms.CharField(label=_("内容"), required=False)


class ReassignForm(forms.Form):
    """Hand the case to another union: only unions the officer may change, not the current."""

    union_id = OrgAutocompleteField(
        purpose="change", error_messages={"required": _("请选择承办工会。")}
    )
    version = VersionField()
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union_id"].queryset = (
            Organization.objects.visible_to(user, Action.CHANGE)
            .active()
            .exclude(pk=case.handling_union_id)
        )

    def picker(self) -> str:
        return self.fields["union_id"].widget.render("union_id", None, attrs={"id": "union-id"})


class AttachForm(forms.Form):
    file = forms.FileField(error_messages={"required": _("没有收到文件。")})


class MarkReadForm(forms.Form):
    # The newest message the page showed: one that arrived since stays unread.
    up_to = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class QueueFilterForm(forms.Form):
    """The queue's filters; a value that is not one of the choices is ignored."""

    status = forms.ChoiceField(choices=CaseStatus.choices, required=False)
    overdue = forms.ChoiceField(choices=[("1", "1")], required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {"status": data.get("status") or None, "overdue": data.get("overdue") == "1" or None}


class YearFilterForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=9999, required=False)

    def chosen_year(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_valid() else None


class AidFilterForm(forms.Form):
    status = forms.ChoiceField(choices=AidStatus.choices, required=False)

    def chosen_status(self) -> str | None:
        self.is_valid()
        return self.cleaned_data.get("status") or None


class DecisionForm(forms.Form):
    """Approve or refuse a hardship application at the level it waits at; the amount is read
    as typed and checked by the service (the API's rule too)."""

    version = VersionField()
    approved_amount = forms.CharField(label=_("批准金额（元）"), max_length=20, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class DisburseForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=11, decimal_places=2)
    paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("发放方式"), choices=PaymentMethod.choices)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
