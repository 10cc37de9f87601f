import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import Action
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.models import Organization

from .choices import VisitResult
from .models import Enterprise
from .services import ENTERPRISE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class OrgChoiceField(OrgAutocompleteField):
    """A searchable org picker; by default over the street, park and higher unions the user
    may change (``area_choices``)."""

    def __init__(self, *, purpose="parent", **kwargs):
        super().__init__(purpose=purpose, **kwargs)


def area_choices(user):
    return (
        Organization.objects.visible_to(user, Action.CHANGE)
        .active()
        .exclude(level=OrgLevel.GRASSROOTS)
        .order_by("path")
    )


class EnterpriseForm(forms.ModelForm):
    street_org = OrgChoiceField(queryset=Organization.objects.none(), label=_("所属街道/园区工会"))

    class Meta:
        model = Enterprise
        fields = ("street_org", *ENTERPRISE_FIELDS)
        widgets = {"established_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_org"].queryset = area_choices(user)


class SocialAccountForm(forms.Form):
    phone = forms.CharField(label=_("联系人手机号码"), max_length=11)


class SocialClaimForm(forms.Form):
    proposal = forms.CharField(
        label=_("服务方案"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput())
    result = forms.ChoiceField(label=_("走访结果"), choices=VisitResult.choices)
    follow_up_on = forms.DateField(label=_("再次走访日期"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    street_org = OrgChoiceField(
        queryset=Organization.objects.none(),
        label=_("默认所属街道/园区工会"),
        required=False,
        help_text=_("表格中未填写“所属街道/园区工会”的行归入此工会。"),
    )
    file = forms.FileField(label=_("企业名录文件（.xlsx 或 .csv）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_org"].queryset = area_choices(user)


class ServiceProjectForm(forms.Form):
    publisher = OrgChoiceField(purpose="change", label=_("发布工会"))
    title = forms.CharField(label=_("项目名称"), max_length=200)
    description = forms.CharField(
        label=_("项目内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget = forms.DecimalField(
        label=_("预算（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    claim_deadline = forms.DateField(label=_("认领截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = (
            Organization.objects.visible_to(user, Action.CHANGE).active().order_by("path")
        )


class ClaimForm(forms.Form):
    social_org = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("社会组织"))
    proposal = forms.CharField(
        label=_("服务方案"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_org"].queryset = (
            Enterprise.objects.visible_to(user).filter(kind="social").order_by("name")
        )


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("交付日期"), widget=DateInput())
    beneficiaries = forms.IntegerField(label=_("受益职工人数"), min_value=0)
    delivery_note = forms.CharField(
        label=_("交付情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProjectEndForm(forms.Form):
    ended_on = forms.DateField(label=_("实际完工日期"), widget=DateInput())


class ProjectForm(forms.ModelForm):
    street_org = OrgChoiceField(queryset=Organization.objects.none(), label=_("所属街道/园区工会"))

    class Meta:
        from .models import Project

        model = Project
        fields = ("street_org", "name", "kind", "contractor", "workers", "started_on",
                  "planned_end_on", "address", "latitude", "longitude")  # fmt: skip
        widgets = {"started_on": DateInput(), "planned_end_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_org"].queryset = area_choices(user)


class ProjectEditForm(ProjectForm):
    """A project's details; its area union stays (it decides who sees the project)."""

    street_org = None

    class Meta(ProjectForm.Meta):
        fields = tuple(name for name in ProjectForm.Meta.fields if name != "street_org")

    def __init__(self, *args, user, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)


class CoverageRuleForm(forms.Form):
    min_workers = forms.IntegerField(label=_("建会人数下限"), min_value=1)
    min_months = forms.IntegerField(label=_("用工满月数"), min_value=0)


class GridAssignmentForm(forms.Form):
    cell = forms.CharField(label=_("网格"), max_length=16)
    officer = forms.ModelChoiceField(queryset=None, label=_("网格员"))

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


ENTERPRISE_NUMBER = re.compile(r"^#?(\d{1,17})$")


class EnterpriseField(forms.ModelChoiceField):
    """An enterprise typed as its number (``#12``), its credit code or its exact name, found
    only among the field's queryset (the enterprises the user may see: a row outside the scope
    reads as not found), as a <select> would but without listing thousands."""

    default_error_messages = {
        "invalid_choice": _("没有找到这家企业，请输入企业编号、统一社会信用代码或完整名称。"),
        "ambiguous": _("有多家企业与此名称相符，请输入企业编号或统一社会信用代码。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Enterprise.objects.none())
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        kwargs.setdefault("help_text", _("企业编号、统一社会信用代码或完整名称"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            value = self.queryset.filter(pk=value).first() or value
        if isinstance(value, Enterprise):
            return f"#{value.pk} {value.name}"
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("\x00", "")
        # The form's own rendering ("#12 名称") comes back as its number.
        text = text.split(" ", 1)[0] if text.startswith("#") else text
        number = ENTERPRISE_NUMBER.match(text)
        rows = self.queryset.select_related("street_org")
        if number:
            matches = list(rows.filter(pk=int(number.group(1)))[:1])
        else:
            matches = list(rows.filter(credit_code=text.upper())[:2]) or list(
                rows.filter(name=text)[:2]
            )
        if len(matches) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        if not matches:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return matches[0]

    def validate(self, value):
        forms.Field.validate(self, value)
