from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.organizations.autocomplete import OrgAutocompleteField

from .choices import DiscountCategory, JobCategory
from .models import Discount, JobPosting


class JobForm(forms.ModelForm):
    org = OrgAutocompleteField(label=_("发布工会"))

    class Meta:
        model = JobPosting
        fields = (
            "org",
            "title",
            "employer",
            "category",
            "pay_min",
            "pay_max",
            "place",
            "latitude",
            "longitude",
            "contact",
            "description",
            "expires_on",
        )
        widgets = {"expires_on": DateInput()}

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["category"].choices = JobCategory.choices


class DiscountForm(forms.ModelForm):
    org = OrgAutocompleteField(label=_("发布工会"))

    class Meta:
        model = Discount
        fields = (
            "org",
            "merchant",
            "offer",
            "category",
            "valid_from",
            "valid_until",
            "place",
            "latitude",
            "longitude",
        )
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["category"].choices = DiscountCategory.choices
