from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateTimeInput
from gonghui.organizations.autocomplete import OrgAutocompleteField

from .choices import TrainingKind


class CourseForm(forms.Form):
    org = OrgAutocompleteField(label=_("举办工会"))
    kind = forms.ChoiceField(label=_("培训类型"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("课程名称"), max_length=120)
    description = forms.CharField(label=_("课程介绍"), required=False, widget=forms.Textarea)
    is_public = forms.BooleanField(label=_("对外公开"), required=False, initial=True)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput())
    place = forms.CharField(label=_("上课地点"), max_length=160)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=100000)
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
