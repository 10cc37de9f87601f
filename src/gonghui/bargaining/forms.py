from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from .choices import AgreementLevel


class OrgChoiceField(OrgAutocompleteField):
    """A searchable picker over the orgs the user may organise things for (``org_options``)."""

    def __init__(self, **kwargs):
        super().__init__(purpose="change", **kwargs)


def _org_field(label):
    return OrgChoiceField(queryset=Organization.objects.none(), label=label)


class AgreementForm(forms.Form):
    org = _org_field(_("工会方"))
    level = forms.ChoiceField(label=_("协议类型"), choices=AgreementLevel.choices)
    enterprise = forms.IntegerField(label=_("企业编号（企业集体合同必填）"), required=False,
                                    min_value=1, max_value=2**63 - 1)  # fmt: skip
    title = forms.CharField(label=_("协议名称"), max_length=200)
    employer_party = forms.CharField(label=_("企业（行业）方"), max_length=200)
    worker_party = forms.CharField(label=_("职工方"), max_length=200)
    rounds = forms.IntegerField(label=_("协商轮次"), min_value=1, max_value=100, initial=1)
    increase_pct = forms.DecimalField(label=_("工资增幅（%）"), max_digits=5, decimal_places=2,
                                      min_value=-100, max_value=100)  # fmt: skip
    covered_workers = forms.IntegerField(label=_("覆盖职工人数"), min_value=0, initial=0)
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput())
    valid_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    valid_until = forms.DateField(label=_("终止日期"), widget=DateInput())

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
