from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.members.forms import UnionChoiceField
from gonghui.organizations.models import Organization


class ImportForm(forms.Form):
    union = UnionChoiceField(queryset=Organization.objects.none(), label=_("导入到工会"))
    file = forms.FileField(label=_("文件（.xlsx或.csv，不超过8 MB）"))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
