"""Aid page forms. They collect input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.cases.forms import GroupErrorsMixin, VersionField
from gonghui.core.scoping import Action
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from .choices import AidStatus, PaymentMethod


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


HOUSEHOLD_ROWS = 5


class HardshipForm(GroupErrorsMixin, forms.Form):
    """A hardship application: the period, the family's situation and the amount, and up to
    :data:`HOUSEHOLD_ROWS` household members (the applicant first). Blank rows are skipped; the
    service checks the household and the means test, so the API and the page agree."""

    service_error_keys = ("household",)

    member_number = forms.CharField(
        label=_("会员编号"), max_length=20, help_text=_("服务大厅代职工申请时填写")
    )
    period = forms.CharField(
        label=_("帮扶期间"), max_length=7, help_text=_("年度，如 2026"), required=False
    )
    reason = forms.CharField(
        label=_("困难情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requested_amount = forms.CharField(
        label=_("申请金额（元）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, for_officer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_officer:
            del self.fields["member_number"]
        self.group_errors: dict[str, list[str]] = {}
        self.rows = []
        for n in range(HOUSEHOLD_ROWS):
            names = (f"household_{n}_name", f"household_{n}_relation", f"household_{n}_income")
            self.fields[names[0]] = forms.CharField(label=_("姓名"), max_length=60, required=False)
            self.fields[names[1]] = forms.CharField(label=_("关系"), max_length=20, required=False)
            self.fields[names[2]] = forms.CharField(
                label=_("月收入（元）"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.rows.append([self[name] for name in names])

    def main_fields(self):
        return [self[name] for name in ("member_number", "period", "reason", "requested_amount")
                if name in self.fields]  # fmt: skip

    def household(self) -> list[dict]:
        rows = []
        for n in range(HOUSEHOLD_ROWS):
            name, relation, income = (
                self.cleaned_data.get(f"household_{n}_{part}", "").strip()
                for part in ("name", "relation", "income")
            )
            if name or relation or income:
                rows.append({"name": name, "relation": relation, "monthly_income": income or "0"})
        return rows


class UnionInScopeForm(forms.Form):
    """A form whose ``union_id`` is picked among the active unions the officer may change."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union_id"].queryset = Organization.objects.visible_to(
            user, Action.CHANGE
        ).active()


class ThresholdForm(UnionInScopeForm):
    """The local means-test line of one union in the officer's scope."""

    union_id = OrgAutocompleteField(
        label=_("工会"), purpose="change", error_messages={"required": _("请选择工会。")}
    )
    monthly_income_per_capita = forms.CharField(
        label=_("人均月收入标准（元）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class EnrolmentForm(UnionInScopeForm):
    """A work unit enrolled in medical mutual aid for a year, by a union in the officer's scope."""

    union_id = OrgAutocompleteField(
        label=_("组织工会"), purpose="change", error_messages={"required": _("请选择工会。")}
    )
    unit_name = forms.CharField(label=_("参保单位"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    participants = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=1_000_000)


class ParticipantForm(forms.Form):
    """An officer registers a member of their scope in an enrolled unit, by member number."""

    member_number = forms.CharField(label=_("会员编号"), max_length=20)


class SelfEnrolForm(forms.Form):
    """A worker takes part this year through one of the units their union enrolled."""

    enrolment = forms.TypedChoiceField(label=_("参保单位"), coerce=int)

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].choices = [
            (row.pk, f"{row.unit_name} · {row.union.name}") for row in enrolments
        ]


class ClaimForm(forms.Form):
    """A claim for medical costs; the amounts are read as typed and checked by the service."""

    illness = forms.CharField(label=_("病种或伤情"), max_length=200, required=False)
    hospital = forms.CharField(label=_("就诊医院"), max_length=200, required=False)
    medical_cost = forms.CharField(
        label=_("医疗费用（元）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    claimed_amount = forms.CharField(
        label=_("申请金额（元）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ClaimPayForm(forms.Form):
    paid_on = forms.DateField(label=_("支付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("支付方式"), choices=PaymentMethod.choices)
