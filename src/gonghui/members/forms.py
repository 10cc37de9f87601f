from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.enterprises.forms import EnterpriseField
from gonghui.enterprises.models import Enterprise
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from . import services
from .choices import EventReason, JoinReview, MemberStatus, OccupationGroup
from .models import Member


class DateInput(forms.DateInput):
    input_type = "date"


class UnionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}"


class EnrolForm(forms.Form):
    union = UnionChoiceField(queryset=Organization.objects.none(), label=_("所属工会"))
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_card = forms.CharField(label=_("身份证号码"), max_length=18)
    phone = forms.CharField(label=_("手机号码"), max_length=11)
    occupation_group = forms.ChoiceField(label=_("职业群体"), choices=OccupationGroup.choices)
    employer_name = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    work_place = forms.CharField(label=_("工作地点"), max_length=200, required=False)
    joined_on = forms.DateField(label=_("入会日期"), required=False, widget=DateInput())

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("检索"),
        required=False,
        max_length=60,
        help_text=_("姓名、会员编号，或身份证号、手机号的后几位"),
    )
    status = forms.ChoiceField(
        label=_("会籍状态"), required=False, choices=[("", _("全部")), *MemberStatus.choices]
    )
    occupation_group = forms.ChoiceField(
        label=_("职业群体"), required=False, choices=[("", _("全部")), *OccupationGroup.choices]
    )
    union_id = OrgAutocompleteField(purpose="view", label=_("工会（含下级）"), required=False)
    joined_from = forms.DateField(label=_("入会日期从"), required=False, widget=DateInput())
    joined_to = forms.DateField(label=_("至"), required=False, widget=DateInput())

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union_id"].queryset = unions

    def clean_union_id(self):
        union = self.cleaned_data["union_id"]
        return union.pk if union is not None else None


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("变更为"),
        choices=[
            (MemberStatus.LAPSED, MemberStatus.LAPSED.label),
            (MemberStatus.WITHDRAWN, MemberStatus.WITHDRAWN.label),
            (MemberStatus.DECEASED, MemberStatus.DECEASED.label),
            (MemberStatus.ACTIVE, _("恢复正常")),
        ],
    )
    reason = forms.ChoiceField(label=_("原因"), choices=EventReason.choices, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class TransferForm(forms.Form):
    to_union = OrgAutocompleteField(purpose="union", label=_("转入工会"))
    reason = forms.ChoiceField(label=_("原因"), choices=EventReason.choices, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, exclude_union=None, **kwargs):
        super().__init__(*args, **kwargs)
        unions = Organization.objects.active().order_by("path")
        if exclude_union is not None:
            unions = unions.exclude(pk=exclude_union.pk)
        self.fields["to_union"].queryset = unions


class ProfileForm(forms.ModelForm):
    """The real-name profile a worker may complete themselves."""

    class Meta:
        model = Member
        fields = ("work_place", *services.PROFILE_FIELDS)


class MemberEditForm(ProfileForm):
    """The officer's edit of a member record: contact, employer and the real-name profile."""

    employer = EnterpriseField(label=_("所在企业"), required=False)

    class Meta(ProfileForm.Meta):
        fields = (
            "name", "phone", "occupation_group", "employer", "employer_name",
            *ProfileForm.Meta.fields,
        )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Enterprise.objects.visible_to(user)


class JoinPolicyForm(forms.Form):
    accepts_joins = forms.BooleanField(label=_("接受入会申请"), required=False)
    review = forms.ChoiceField(label=_("审核方式"), choices=JoinReview.choices)


class MoveAllForm(forms.Form):
    to_union = OrgAutocompleteField(purpose="union", label=_("转入工会"))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_union"].queryset = unions


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("不予通过的原因"), max_length=300)


class MergeForm(forms.Form):
    keep = forms.IntegerField(label=_("保留的记录"), widget=forms.HiddenInput)
    drop = forms.IntegerField(label=_("并入的记录"), widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
