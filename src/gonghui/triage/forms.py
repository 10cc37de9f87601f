from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.cases.models import CaseType

from .models import Urgency


class DecisionForm(forms.Form):
    case_type = forms.ChoiceField(label=_("诉求类型"))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [
            (t.code, t.display_name) for t in CaseType.objects.filter(is_active=True)
        ]


class MergeForm(forms.Form):
    lead_case_id = forms.TypedChoiceField(label=_("主诉求"), coerce=int)
    note = forms.CharField(label=_("处理说明"), max_length=500, required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_case_id"].choices = [
            (c.pk, f"{c.reference} {c.display_title}") for c in cases
        ]


class DismissForm(forms.Form):
    note = forms.CharField(label=_("排除理由"), max_length=500)
