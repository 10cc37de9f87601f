from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

QUESTION_MAX = 2000


class AskForm(forms.Form):
    q = forms.CharField(
        label=_("您想问什么？"),
        max_length=QUESTION_MAX - 1,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("例如：老板拖欠工资两个月怎么办")}
        ),
        error_messages={
            "required": _("请输入问题。"),
            "max_length": _("问题太长了，请控制在2000字以内。"),
        },
    )
    org = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                             widget=forms.HiddenInput)  # fmt: skip


class UploadForm(forms.Form):
    org = OrgAutocompleteField(queryset=Organization.objects.none(), label=_("发布工会"))
    file = forms.FileField(
        label=_("文件（PDF、Word、TXT、Markdown、HTML，10MB以内）"),
        error_messages={"required": _("请选择要上传的文件。")},
    )
    title = forms.CharField(label=_("标题（不填则取文件第一行）"), max_length=200, required=False)
    source = forms.CharField(label=_("来源"), max_length=300, required=False)
    version = forms.CharField(label=_("版本（如发布日期、文号）"), max_length=100, required=False)
    published = forms.BooleanField(label=_("发布给本级及下级工会的职工"), required=False,
                                   initial=True)  # fmt: skip

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
