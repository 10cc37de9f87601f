from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import Action
from gonghui.organizations.models import Organization

from . import hours as hours_lib
from .choices import TravelMode
from .models import Facility, Station
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}"


class StationForm(forms.ModelForm):
    operator = OperatorChoiceField(queryset=Organization.objects.none(), label=_("运营工会"))
    facility_codes = forms.MultipleChoiceField(
        label=_("服务设施"), required=False, widget=forms.CheckboxSelectMultiple
    )
    hours = forms.CharField(
        label=_("营业时间"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每行一条：星期 时间段，如“周一至周五 08:00-12:00,14:00-18:00”“每天 00:00-24:00”。"
            "关门时间早于开门时间表示营业到次日。"
        ),
    )

    class Meta:
        model = Station
        fields = ("operator", *EDITABLE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = (
            Organization.objects.visible_to(user, Action.CHANGE).active().order_by("path")
        )
        self.fields["facility_codes"].choices = [
            (f.code, f.display_name) for f in Facility.objects.all()
        ]
        if self.instance.pk:
            self.fields["operator"].disabled = True
            self.initial["facility_codes"] = [f.code for f in self.instance.facilities.all()]
            self.initial["hours"] = hours_lib.format_weekly(
                self.instance.weekly_intervals(), localized=True
            )


class ExceptionForm(forms.Form):
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    closed = forms.BooleanField(label=_("闭馆"), required=False, initial=True)
    opens = forms.CharField(label=_("开门时间"), required=False, max_length=5)
    closes = forms.CharField(label=_("关门时间"), required=False, max_length=5)
    note = forms.CharField(label=_("说明"), required=False, max_length=120)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 或 Excel 文件"))


class CoverageForm(forms.Form):
    org = OperatorChoiceField(queryset=Organization.objects.none(), label=_("工会（含下级）"))
    minutes = forms.IntegerField(label=_("分钟"), min_value=1, max_value=120, initial=15)
    mode = forms.ChoiceField(label=_("出行方式"), choices=TravelMode.choices, initial="walk")
    basis = forms.ChoiceField(
        label=_("按会员的"), choices=[("work", _("工作地点")), ("home", _("居住地点"))]
    )
    top_k = forms.IntegerField(label=_("建议新站数"), min_value=0, max_value=20, initial=5)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user).active().order_by("path")
        )


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("照片"), help_text=_("JPEG、PNG或WebP，不超过10 MB；位置等拍摄信息会被去除。")
    )
    caption = forms.CharField(label=_("说明"), required=False, max_length=120)


class FacilityForm(forms.Form):
    code = forms.SlugField(
        label=_("代码"), max_length=40, help_text=_("小写英文字母、数字或下划线，如 shower")
    )
    name = forms.CharField(label=_("名称"), max_length=40)
