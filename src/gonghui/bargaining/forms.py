from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.enterprises.forms import EnterpriseField
from gonghui.organizations.autocomplete import OrgAutocompleteField

from .choices import AgreementLevel, LetterKind, ReviewStatus


class AgreementForm(forms.Form):
    org = OrgAutocompleteField(label=_("工会方"))
    level = forms.ChoiceField(label=_("协议类型"), choices=AgreementLevel.choices)
    enterprise = EnterpriseField(label=_("企业（企业集体合同必填）"), required=False)
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

    def __init__(self, *args, orgs, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["enterprise"].queryset = enterprises


class AgreementEditForm(forms.Form):
    """What may change after signing (the parties and the type stay as signed)."""

    title = forms.CharField(label=_("协议名称"), max_length=200)
    rounds = forms.IntegerField(label=_("协商轮次"), min_value=1, max_value=100)
    increase_pct = forms.DecimalField(label=_("工资增幅（%）"), max_digits=5, decimal_places=2,
                                      min_value=-100, max_value=100)  # fmt: skip
    covered_workers = forms.IntegerField(label=_("覆盖职工人数"), min_value=0, max_value=10**8)
    valid_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    valid_until = forms.DateField(label=_("终止日期"), widget=DateInput())
    note = forms.CharField(label=_("备注"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ReviewForm(forms.Form):
    """The labour bureau's review step; only the steps the service allows next are offered."""

    status = forms.ChoiceField(label=_("审查结果"))
    reviewed_on = forms.DateField(label=_("日期"), required=False, widget=DateInput(),
                                  help_text=_("留空为今天"))  # fmt: skip

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReviewStatus.choices)
        self.fields["status"].choices = [(step, labels[step]) for step in steps]


class ProcedureForm(forms.Form):
    """Open 一函两书 by sending the invitation letter (要约函)."""

    org = OrgAutocompleteField(label=_("发起工会"))
    enterprise = EnterpriseField(label=_("企业"))
    sent_on = forms.DateField(label=_("要约函发出日期"), widget=DateInput())
    note = forms.CharField(label=_("摘要"), max_length=300, required=False)

    def __init__(self, *args, orgs, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["enterprise"].queryset = enterprises


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书"))
    sent_on = forms.DateField(label=_("日期"), widget=DateInput())
    note = forms.CharField(label=_("摘要"), max_length=300, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(LetterKind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]


class CongressForm(forms.Form):
    enterprise = EnterpriseField(label=_("企业"))
    term_number = forms.IntegerField(label=_("届次"), min_value=1, max_value=100, initial=1)
    term_starts_on = forms.DateField(label=_("本届开始"), widget=DateInput())
    term_ends_on = forms.DateField(label=_("本届结束"), widget=DateInput())
    delegates = forms.IntegerField(label=_("职工代表人数"), min_value=0, max_value=100000,
                                   initial=0)  # fmt: skip

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("召开日期"), widget=DateInput())
    attendees = forms.IntegerField(label=_("到会代表"), min_value=0, max_value=100000, initial=0)
    resolutions = forms.CharField(label=_("审议事项"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
