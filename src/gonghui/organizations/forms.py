from django import forms
from django.utils.translation import gettext_lazy as _

from .autocomplete import OrgAutocompleteField, org_choices
from .models import Organization
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class OrgForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = EDITABLE_FIELDS
        widgets = {"founded_on": DateInput()}


def parent_choices(user):
    """Orgs the user may write under. Grassroots unions have no sub-unions, so they are left
    out; the picker searches this set as the user types (``autocomplete``)."""
    return org_choices(user, "parent").order_by("path")


class OrgCreateForm(OrgForm):
    parent = OrgAutocompleteField(purpose="parent", label=_("上级工会"))

    class Meta(OrgForm.Meta):
        fields = ("parent", *EDITABLE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(user)


class OrgMoveForm(forms.Form):
    parent = OrgAutocompleteField(purpose="parent", label=_("新的上级工会"))

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(user).exclude(path__subtree_of=org.path)
        self.fields["parent"].widget.exclude = org.pk


class OrgDissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
