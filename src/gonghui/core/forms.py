from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def apply_service_errors(form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Put a service's field errors on the form fields they name, others on the form.

    A service names model fields (``union_id``, ``facilities``); a form may call the same input
    ``union`` or ``facility_codes``: ``aliases`` maps the one to the other, and a trailing
    ``_id`` is dropped when the form has the bare name. A form's ``service_error_keys`` name
    errors it shows apart from its fields (a group of inputs: see cases.forms.GroupErrorsMixin).
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    known = set(form.fields) | set(getattr(form, "service_error_keys", ()))
    for name, errors in exc.error_dict.items():
        field = (aliases or {}).get(name, name)
        if field not in known and field.removesuffix("_id") in known:
            field = field.removesuffix("_id")
        form.add_error(field if field in known else None, errors)


class AuditFilterForm(forms.Form):
    """The audit page's filter: who, what kind of record, which org's subtree, which days."""

    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    type = forms.ChoiceField(label=_("对象类型"), required=False)
    org = forms.IntegerField(label=_("组织（含下级）"), required=False, widget=forms.Select)
    start = forms.DateField(
        label=_("日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, types, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("全部")), *types]
        self.fields["org"].widget.choices = [("", _("全部"))] + [
            (org.pk, f"{'　' * org.depth}{org.name}") for org in orgs
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return cleaned
