from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.organizations.autocomplete import OrgAutocompleteField

from .choices import Dimension, Measure, SeatRole

Count = forms.IntegerField


class ScopedModelForm(forms.Form):
    """A form whose choice fields are narrowed to querysets the view passes in (the scope)."""

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (choices or {}).items():
            self.fields[name].queryset = queryset


class ElectForm(ScopedModelForm):
    org = OrgAutocompleteField(label=_("工会"))
    held_on = forms.DateField(label=_("选举日期"), widget=DateInput())
    starts_on = forms.DateField(label=_("任期开始"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("任期届满（换届日期）"),
        widget=DateInput(),
        required=False,
        help_text=_("不填则为任期开始后五年。"),
    )
    delegates = Count(label=_("应到代表（会员）人数"), min_value=1, max_value=10**6)
    attended = Count(label=_("实到人数"), min_value=0, max_value=10**6)
    votes_cast = Count(label=_("投票数"), min_value=0, max_value=10**6)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea)


class SeatForm(forms.Form):
    role = forms.ChoiceField(label=_("职务"), choices=SeatRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    member_number = forms.CharField(
        label=_("会员编号"),
        max_length=20,
        required=False,
        help_text=_("是会员的，填写会员编号以关联会员档案。"),
    )
    starts_on = forms.DateField(label=_("任职日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("离任日期"), widget=DateInput(), required=False)


class SeatEndForm(forms.Form):
    ends_on = forms.DateField(label=_("离任日期"), widget=DateInput())


class DepartmentForm(ScopedModelForm):
    province = forms.ModelChoiceField(label=_("省级工会"), queryset=None)
    name = forms.CharField(label=_("部门名称"), max_length=100)


class PairingForm(ScopedModelForm):
    county = forms.ModelChoiceField(label=_("县级工会"), queryset=None)
    department = forms.ModelChoiceField(label=_("省直部门"), queryset=None)
    since = forms.DateField(label=_("联系开始日期"), widget=DateInput())


class IndicatorForm(ScopedModelForm):
    province = forms.ModelChoiceField(label=_("省级工会"), queryset=None)
    year = Count(label=_("年度"), min_value=2000, max_value=2100)
    dimension = forms.ChoiceField(label=_("维度"), choices=Dimension.choices)
    name = forms.CharField(label=_("指标"), max_length=200)
    measure = forms.ChoiceField(label=_("测量方式"), choices=Measure.choices)
    weight = forms.DecimalField(label=_("分值"), min_value=0.1, max_value=100, decimal_places=1)
    target = forms.DecimalField(
        label=_("目标值"), required=False, min_value=0, max_digits=14, decimal_places=2
    )


class EvaluationOpenForm(ScopedModelForm):
    county = forms.ModelChoiceField(label=_("县级工会"), queryset=None)
    year = Count(label=_("年度"), min_value=2000, max_value=2100)


class ScoreForm(forms.Form):
    value = forms.DecimalField(label=_("得分"), max_digits=5, decimal_places=2)
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    evidence_note = forms.CharField(label=_("材料说明"), max_length=300, required=False)


class AdvanceForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
