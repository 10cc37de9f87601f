from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.enterprises.forms import DateInput

from .choices import DocumentType, FoundingTarget


class FoundingOpenForm(forms.Form):
    target = forms.ChoiceField(label=_("建会方式"), choices=FoundingTarget.choices)
    union_name = forms.CharField(label=_("拟成立工会名称"), max_length=200)


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("材料类型"), choices=DocumentType.choices)
    file = forms.FileField(label=_("文件"))


class StepForm(forms.Form):
    """A founding step's deadline and responsible officer (an officer in the case's area)."""

    due_on = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    responsible = forms.ModelChoiceField(queryset=None, label=_("责任人"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = officers


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), max_length=500)
