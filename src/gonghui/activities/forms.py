from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.members.choices import OccupationGroup
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from .choices import AgreementLevel, CampaignKind, DiscountCategory, JobCategory, TrainingKind
from .models import Campaign, CustomCampaignKind, Discount, JobPosting


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OrgChoiceField(OrgAutocompleteField):
    """A searchable picker over the orgs the user may organise things for (``org_options``)."""

    def __init__(self, **kwargs):
        super().__init__(purpose="change", **kwargs)


def _org_field(label):
    return OrgChoiceField(queryset=Organization.objects.none(), label=label)


class CampaignForm(forms.ModelForm):
    organizer = _org_field(_("主办工会"))
    target_groups = forms.MultipleChoiceField(
        label=_("服务对象群体"),
        choices=OccupationGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items_text = forms.CharField(
        label=_("发放物资"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一种：名称 数量，如“防暑降温物资 240”。"),
    )

    class Meta:
        model = Campaign
        fields = (
            "organizer",
            "name",
            "kind",
            "custom_kind",
            "starts_on",
            "ends_on",
            "target_groups",
            "target_gender",
            "budget",
            "allow_repeat",
            "description",
        )
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = orgs
        self.fields["custom_kind"].queryset = CustomCampaignKind.objects.filter(
            org__in=orgs
        ).order_by("name")
        self.fields["kind"].choices = CampaignKind.choices

    def clean_items_text(self):
        items = []
        for line in self.cleaned_data["items_text"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, quantity = line.rpartition(" ")
            if not name or not quantity.isdigit():
                name, quantity = line, "0"
            items.append({"name": name.strip()[:80], "quantity": int(quantity)})
        return items


class ItemForm(forms.Form):
    name = forms.CharField(label=_("物资名称"), max_length=80)
    quantity = forms.IntegerField(label=_("计划数量"), min_value=0, max_value=10**7)
    unit = forms.CharField(label=_("单位"), max_length=10, initial="份")


class NonMemberDeliveryForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("物资"))
    beneficiary_name = forms.CharField(label=_("姓名"), max_length=60)
    beneficiary_phone = forms.CharField(label=_("手机号码"), max_length=11)
    occupation_group = forms.ChoiceField(label=_("职业群体"), choices=OccupationGroup.choices)
    site = forms.CharField(label=_("发放地点"), max_length=120, required=False)
    override_reason = forms.CharField(label=_("重复发放原因"), max_length=200, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = campaign.items.all()


class CourseForm(forms.Form):
    org = _org_field(_("举办工会"))
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


class JobForm(forms.ModelForm):
    org = _org_field(_("发布工会"))

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
    org = _org_field(_("发布工会"))

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


class ReportForm(forms.Form):
    org = OrgAutocompleteField(purpose="view", label=_("范围"), required=False)
    start = forms.DateField(label=_("开始日期"), widget=DateInput())
    end = forms.DateField(label=_("结束日期"), widget=DateInput())

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


class EntryForm(forms.Form):
    name = forms.CharField(label=_("参赛人"), max_length=60)
    employer = forms.CharField(label=_("单位"), max_length=200, required=False)


class ScoreForm(forms.Form):
    round = forms.ModelChoiceField(queryset=None, label=_("轮次"))
    entry = forms.IntegerField(label=_("报名编号"), min_value=1, max_value=2**63 - 1)
    score = forms.DecimalField(label=_("成绩"), max_digits=7, decimal_places=2)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = contest.rounds.all()
        self.contest = contest

    def clean_entry(self):
        entry = self.contest.entries.filter(pk=self.cleaned_data["entry"]).first()
        if entry is None:
            raise forms.ValidationError(_("本竞赛没有这个报名编号。"))
        return entry


class AgreementForm(forms.Form):
    org = _org_field(_("工会方"))
    level = forms.ChoiceField(label=_("协议类型"), choices=AgreementLevel.choices)
    enterprise = forms.IntegerField(label=_("企业编号（企业集体合同必填）"), required=False,
                                    min_value=1, max_value=2**63 - 1)  # fmt: skip
    title = forms.CharField(label=_("协议名称"), max_length=200)
    employer_party = forms.CharField(label=_("企业（行业）方"), max_length=200)
    worker_party = forms.CharField(label=_("职工方"), max_length=200)
    rounds = forms.IntegerField(label=_("协商轮次"), min_value=1, max_value=100, initial=1)
    increase_pct = forms.DecimalField(label=_("工资增幅（%）"), max_digits=5, decimal_places=2,
                                      min_value=-100, max_value=100)  # fmt: skip
    covered_workers = forms.IntegerField(label=_("覆盖职工人数"), min_value=0, initial=0)
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput())
    valid_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    valid_until = forms.DateField(label=_("终止日期"), widget=DateInput())

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
