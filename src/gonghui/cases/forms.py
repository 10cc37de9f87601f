"""Page forms. They collect input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.labels import display_name
from gonghui.core.scoping import Action
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from .choices import CaseStatus, FieldType, HandlingLevel, HolidayKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return single(data, initial)


class CaseForm(forms.Form):
    """The fields every case has, then the case type's own questions, then attachments."""

    member_number = forms.CharField(
        label=_("会员编号"), max_length=20, help_text=_("服务大厅代职工提交时填写")
    )
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    # Required, but checked by the service together with the type's own questions, so a worker
    # sees every missing answer at once.
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = MultipleFileField(
        label=_("附件（图片或PDF，每个不超过10MB）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    applicant_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    employer_name = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    work_place = forms.CharField(
        label=_("工作地点"), max_length=200, required=False, help_text=_("例如：浏阳市集里街道")
    )

    def __init__(self, *args, case_type, for_officer: bool, non_member: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_officer:
            del self.fields["member_number"]
        if not non_member:
            # Who and where a non-member is: a member's union already says it.
            for name in ("applicant_name", "employer_name", "work_place"):
                del self.fields[name]
        attachment = self.fields.pop("attachment")
        for spec in case_type.form_fields:
            self.fields[spec["name"]] = spec_field(spec)
        self.fields["attachment"] = attachment
        self.spec_names = [spec["name"] for spec in case_type.form_fields]

    def answers(self) -> dict:
        return {name: self.data.get(name, "") for name in self.spec_names}


def spec_field(spec: dict) -> forms.Field:
    # Everything arrives as text; the service types and checks it so the API and page agree.
    common = {"label": display_name(spec["label"]), "required": False}
    kind = spec["type"]
    if kind == FieldType.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldType.CHOICE:
        choices = [("", "——"), *((c, display_name(c)) for c in spec["choices"])]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=200, **common)


class VersionField(forms.IntegerField):
    """The case version the page was showing (optimistic locking); absent means unchecked."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**31 - 1, required=False, **kwargs)


class TransitionForm(forms.Form):
    """A move to another status. Which moves are allowed is the service's answer
    (``case_allowed_transitions``); the form only reads the input."""

    to_status = forms.ChoiceField(label=_("状态"), choices=CaseStatus.choices)
    version = VersionField()
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(label=_("评价"), max_length=500, required=False)


class ReplyForm(forms.Form):
    """A reply to the worker, a worker's message, or an officer's internal note; the service
    says whether it may be sent (empty, too long, case ended)."""

    body = forms.CharField(label=_("内容"), required=False)


class ReassignForm(forms.Form):
    """Hand the case to another union: only unions the officer may change, not the current."""

    union_id = OrgAutocompleteField(
        purpose="change", error_messages={"required": _("请选择承办工会。")}
    )
    version = VersionField()
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union_id"].queryset = (
            Organization.objects.visible_to(user, Action.CHANGE)
            .active()
            .exclude(pk=case.handling_union_id)
        )

    def picker(self) -> str:
        return self.fields["union_id"].widget.render("union_id", None, attrs={"id": "union-id"})


class AttachForm(forms.Form):
    file = forms.FileField(error_messages={"required": _("没有收到文件。")})


class MarkReadForm(forms.Form):
    # The newest message the page showed: one that arrived since stays unread.
    up_to = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class QueueFilterForm(forms.Form):
    """The queue's filters; a value that is not one of the choices is ignored."""

    status = forms.ChoiceField(choices=CaseStatus.choices, required=False)
    overdue = forms.ChoiceField(choices=[("1", "1")], required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {"status": data.get("status") or None, "overdue": data.get("overdue") == "1" or None}


class YearFilterForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=9999, required=False)

    def chosen_year(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_valid() else None


class GroupErrorsMixin:
    """Errors the service reports on a group of inputs (the household, the questions), kept
    apart from the fields to be shown in that group's fieldset: ``group_errors[key]``."""

    service_error_keys: tuple[str, ...] = ()

    def add_error(self, field, error):
        if field in self.service_error_keys:
            if not hasattr(self, "group_errors"):
                self.group_errors = {}
            messages = forms.ValidationError(error).messages
            self.group_errors.setdefault(field, []).extend(messages)
            return
        super().add_error(field, error)


QUESTION_ROWS_SPARE = 3


class CaseTypeForm(GroupErrorsMixin, forms.Form):
    """A case type and its questions: one row per question (name, label, type, required,
    choices), plus spare rows to add some; a row without a name is dropped. The service checks
    the questions (``forms_spec``), as it does for the API."""

    service_error_keys = ("form_fields",)

    code = forms.RegexField(
        label=_("代码"),
        regex=r"^[a-z][a-z0-9_]{1,39}$",
        max_length=40,
        help_text=_("小写字母、数字和下划线，创建后不能修改"),
        error_messages={"invalid": _("代码只能用小写字母、数字和下划线，以字母开头。")},
    )
    name = forms.CharField(label=_("名称"), max_length=40)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    handling_level = forms.ChoiceField(label=_("办理层级"), choices=HandlingLevel.choices)
    ack_days = forms.IntegerField(label=_("受理时限（工作日）"), min_value=0, max_value=60)
    resolve_days = forms.IntegerField(label=_("办结时限（工作日）"), min_value=1, max_value=365)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, case_type=None, **kwargs):
        if case_type is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(case_type, name) for name in CASE_TYPE_PAGE_FIELDS}
            )
            for n, spec in enumerate(case_type.form_fields):
                kwargs["initial"].update(
                    {f"q{n}_name": spec.get("name"), f"q{n}_label": spec.get("label"),
                     f"q{n}_type": spec.get("type"), f"q{n}_required": spec.get("required"),
                     f"q{n}_min": spec.get("min"),
                     f"q{n}_choices": "\n".join(spec.get("choices") or [])}
                )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.group_errors: dict[str, list[str]] = {}
        if case_type is not None:
            del self.fields["code"]
        existing = len(case_type.form_fields) if case_type is not None else 0
        self.question_count = existing + QUESTION_ROWS_SPARE
        self.questions = []
        for n in range(self.question_count):
            self.fields[f"q{n}_name"] = forms.CharField(
                label=_("字段名"), max_length=40, required=False
            )
            self.fields[f"q{n}_label"] = forms.CharField(
                label=_("问题"), max_length=60, required=False
            )
            self.fields[f"q{n}_type"] = forms.ChoiceField(
                label=_("类型"), choices=FieldType.choices, required=False
            )
            self.fields[f"q{n}_required"] = forms.BooleanField(label=_("必填"), required=False)
            self.fields[f"q{n}_min"] = forms.DecimalField(
                label=_("最小值（数字题）"), max_digits=12, decimal_places=2, required=False
            )
            self.fields[f"q{n}_choices"] = forms.CharField(
                label=_("选项（每行一个）"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            parts = ("name", "label", "type", "required", "min", "choices")
            self.questions.append([self[f"q{n}_{part}"] for part in parts])

    def main_fields(self):
        return [self[name] for name in ("code", *CASE_TYPE_PAGE_FIELDS) if name in self.fields]

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in CASE_TYPE_PAGE_FIELDS}
        specs = []
        for n in range(self.question_count):
            name = self.cleaned_data.get(f"q{n}_name", "").strip()
            if not name:
                continue
            spec = {"name": name, "label": self.cleaned_data.get(f"q{n}_label", "").strip(),
                    "type": self.cleaned_data.get(f"q{n}_type") or FieldType.TEXT,
                    "required": bool(self.cleaned_data.get(f"q{n}_required"))}  # fmt: skip
            choices = [
                line.strip() for line in self.cleaned_data.get(f"q{n}_choices", "").splitlines()
            ]
            if spec["type"] == FieldType.CHOICE:
                spec["choices"] = [c for c in choices if c]
            low = self.cleaned_data.get(f"q{n}_min")
            if spec["type"] == FieldType.NUMBER and low is not None:
                spec["min"] = int(low) if low == low.to_integral_value() else float(low)
            specs.append(spec)
        data["form_fields"] = specs
        return data


CASE_TYPE_PAGE_FIELDS = (
    "name",
    "description",
    "handling_level",
    "ack_days",
    "resolve_days",
    "sort_order",
    "is_active",
)


class HolidayForm(forms.Form):
    """Declare a day a holiday or a make-up workday; no kind puts it back to an ordinary day."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("恢复为普通日")), *HolidayKind.choices],
        required=False,
    )
    name = forms.CharField(label=_("名称"), max_length=40, required=False)
