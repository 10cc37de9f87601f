from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.organizations.autocomplete import OrgAutocompleteField

from .models import Craftsman


class OrgForm(forms.Form):
    """A form whose ``org`` field offers the orgs the user may write for."""

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class ContestForm(OrgForm):
    org = OrgAutocompleteField(label=_("主办工会"))
    name = forms.CharField(label=_("竞赛名称"), max_length=160)
    trade = forms.CharField(label=_("工种/项目"), max_length=80, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    score_min = forms.DecimalField(label=_("最低分"), max_digits=7, decimal_places=2, initial=0)
    score_max = forms.DecimalField(label=_("最高分"), max_digits=7, decimal_places=2, initial=100)
    metric_name = forms.CharField(
        label=_("成果指标（可选）"),
        max_length=40,
        required=False,
        help_text=_("成绩之外记录的结果，如直播带货竞赛的销售额"),
    )
    metric_unit = forms.CharField(
        label=_("指标单位"), max_length=20, required=False, help_text=_("如：元")
    )
    rounds = forms.CharField(
        label=_("轮次"),
        required=False,
        help_text=_("每行一个，如：初赛、决赛"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_rounds(self):
        names = [line.strip() for line in self.cleaned_data["rounds"].splitlines()]
        names = [name for name in names if name]
        if any(len(name) > 60 for name in names):
            raise forms.ValidationError(_("轮次名称不能超过60个字。"))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("轮次名称不能重复。"))
        return names


class RoundForm(forms.Form):
    name = forms.CharField(label=_("轮次名称"), max_length=60)


class EntryForm(forms.Form):
    name = forms.CharField(label=_("参赛人"), max_length=60)
    employer = forms.CharField(label=_("单位"), max_length=200, required=False)


class ContestEntryForm(forms.Form):
    """A form naming one of the contest's entries by its number."""

    entry = forms.IntegerField(label=_("报名编号"), min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest

    def clean_entry(self):
        entry = self.contest.entries.filter(pk=self.cleaned_data["entry"]).first()
        if entry is None:
            raise forms.ValidationError(_("本竞赛没有这个报名编号。"))
        return entry


class ScoreForm(ContestEntryForm):
    round = forms.ModelChoiceField(queryset=None, label=_("轮次"))
    score = forms.DecimalField(label=_("成绩"), max_digits=7, decimal_places=2)
    field_order = ["round", "entry", "score"]

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, contest=contest, **kwargs)
        self.fields["round"].queryset = contest.rounds.all()


class MetricForm(ContestEntryForm):
    value = forms.DecimalField(label=_("指标值"), max_digits=14, decimal_places=2, min_value=0)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, contest=contest, **kwargs)
        if contest.metric_unit:
            self.fields["value"].label = f"{contest.metric_name}（{contest.metric_unit}）"
        elif contest.metric_name:
            self.fields["value"].label = contest.metric_name


class CraftsmanForm(OrgForm):
    org = OrgAutocompleteField(label=_("评选工会"))
    name = forms.CharField(label=_("姓名"), max_length=60)
    employer = forms.CharField(label=_("单位"), max_length=200)
    trade = forms.CharField(label=_("工种/领域"), max_length=80)
    title = forms.CharField(label=_("称号"), max_length=60, initial="工匠")
    year = forms.IntegerField(label=_("评选年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class StudioForm(forms.Form):
    name = forms.CharField(label=_("工作室名称"), max_length=160)
    established_on = forms.DateField(label=_("认定日期"), widget=DateInput())
    leader = forms.ModelChoiceField(label=_("领衔工匠"), queryset=Craftsman.objects.none(),
                                    required=False)  # fmt: skip
    leader_name = forms.CharField(label=_("领衔人"), max_length=60, required=False,
                                  help_text=_("选择了领衔工匠时可留空"))  # fmt: skip
    enterprise_name = forms.CharField(label=_("所在单位"), max_length=200, required=False)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders


class StudioCreateForm(StudioForm, OrgForm):
    org = OrgAutocompleteField(label=_("认定工会"))
    field_order = ["org"]
