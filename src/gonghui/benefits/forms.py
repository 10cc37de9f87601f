from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.organizations.autocomplete import OrgAutocompleteField

from .choices import DiscountCategory, JobCategory
from .models import Discount, JobPosting
from .services import DISCOUNT_FIELDS, JOB_FIELDS


class JobForm(forms.ModelForm):
    org = OrgAutocompleteField(label=_("发布工会"))

    class Meta:
        model = JobPosting
        # The service's fields, less the enterprise link the officer sets from the enterprise page.
        fields = ("org", *(name for name in JOB_FIELDS if name != "enterprise"))
        widgets = {"expires_on": DateInput()}

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["category"].choices = JobCategory.choices


class DiscountForm(forms.ModelForm):
    org = OrgAutocompleteField(label=_("发布工会"))

    class Meta:
        model = Discount
        fields = ("org", *DISCOUNT_FIELDS)
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["category"].choices = DiscountCategory.choices
