from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.members.choices import OccupationGroup
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from .choices import CampaignKind
from .models import Campaign, CustomCampaignKind
from .services import CAMPAIGN_FIELDS


class OrgChoiceField(OrgAutocompleteField):
    """A searchable picker over the orgs the user may organise things for (``org_options``)."""

    def __init__(self, **kwargs):
        super().__init__(purpose="change", **kwargs)


def _org_field(label):
    return OrgChoiceField(queryset=Organization.objects.none(), label=label)


class CustomKindForm(forms.Form):
    """A campaign kind of the officer's own (e.g. 送法律), for the campaigns of its subtree."""

    org = _org_field(_("定义工会"))
    name = forms.CharField(label=_("名称"), max_length=60)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class CampaignForm(forms.ModelForm):
    organizer = _org_field(_("主办工会"))
    target_groups = forms.MultipleChoiceField(
        label=_("服务对象群体"),
        choices=OccupationGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items_text = forms.CharField(
        label=_("发放物资"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一种：名称 数量，如“防暑降温物资 240”。"),
    )

    class Meta:
        model = Campaign
        fields = ("organizer", *CAMPAIGN_FIELDS)
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = orgs
        self.fields["custom_kind"].queryset = CustomCampaignKind.objects.filter(
            org__in=orgs
        ).order_by("name")
        self.fields["kind"].choices = CampaignKind.choices

    def clean_items_text(self):
        items = []
        for line in self.cleaned_data["items_text"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, quantity = line.rpartition(" ")
            if not name or not quantity.isdigit():
                name, quantity = line, "0"
            items.append({"name": name.strip()[:80], "quantity": int(quantity)})
        return items


class ItemForm(forms.Form):
    name = forms.CharField(label=_("物资名称"), max_length=80)
    quantity = forms.IntegerField(label=_("计划数量"), min_value=0, max_value=10**7)
    unit = forms.CharField(label=_("单位"), max_length=10, initial="份")


class NonMemberDeliveryForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("物资"))
    beneficiary_name = forms.CharField(label=_("姓名"), max_length=60)
    beneficiary_phone = forms.CharField(label=_("手机号码"), max_length=11)
    occupation_group = forms.ChoiceField(label=_("职业群体"), choices=OccupationGroup.choices)
    site = forms.CharField(label=_("发放地点"), max_length=120, required=False)
    override_reason = forms.CharField(label=_("重复发放原因"), max_length=200, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = campaign.items.all()
