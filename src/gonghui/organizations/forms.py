from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import Action

from .choices import OrgLevel
from .models import Organization
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class OrgForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = EDITABLE_FIELDS
        widgets = {"founded_on": DateInput()}


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}"


def parent_choices(user):
    """Orgs the user may write under. Grassroots unions have no sub-unions, so they are left out
    of the list, which keeps it short even for a county with thousands of enterprise unions."""
    return (
        Organization.objects.visible_to(user, Action.CHANGE)
        .active()
        .exclude(level=OrgLevel.GRASSROOTS)
        .order_by("path")
    )


class OrgCreateForm(OrgForm):
    parent = ParentChoiceField(queryset=Organization.objects.none(), label=_("上级工会"))

    class Meta(OrgForm.Meta):
        fields = ("parent", *EDITABLE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(user)


class OrgMoveForm(forms.Form):
    parent = ParentChoiceField(queryset=Organization.objects.none(), label=_("新的上级工会"))

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(user).exclude(path__subtree_of=org.path)


class OrgDissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
