from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization


class OrgChoiceField(OrgAutocompleteField):
    """A searchable picker over the orgs the user may organise things for (``org_options``)."""

    def __init__(self, **kwargs):
        super().__init__(purpose="change", **kwargs)


def _org_field(label):
    return OrgChoiceField(queryset=Organization.objects.none(), label=label)


class EntryForm(forms.Form):
    name = forms.CharField(label=_("参赛人"), max_length=60)
    employer = forms.CharField(label=_("单位"), max_length=200, required=False)


class ScoreForm(forms.Form):
    round = forms.ModelChoiceField(queryset=None, label=_("轮次"))
    entry = forms.IntegerField(label=_("报名编号"), min_value=1, max_value=2**63 - 1)
    score = forms.DecimalField(label=_("成绩"), max_digits=7, decimal_places=2)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = contest.rounds.all()
        self.contest = contest

    def clean_entry(self):
        entry = self.contest.entries.filter(pk=self.cleaned_data["entry"]).first()
        if entry is None:
            raise forms.ValidationError(_("本竞赛没有这个报名编号。"))
        return entry
