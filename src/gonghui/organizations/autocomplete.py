"""One searchable org picker for every form that picks a union (moves, new unions, transfers,
founding and enterprise forms), instead of a <select> of the whole tree.

The field is a plain text input: without JavaScript the user types a union's name or its number
(``#123`` or ``123``) and the server resolves it within the form's scoped queryset. With htmx the
input asks ``organizations:autocomplete`` for matches as the user types and a click fills in
``name #id`` (app.js, no inline script, so the CSP stays strict). The endpoint answers from the
same scoped querysets (``org_choices``) the forms use, so it never lists an org the form would
refuse.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import Action
from gonghui.core.text import has_control_characters, search_key

from .choices import OrgLevel
from .models import Organization

AUTOCOMPLETE_LIMIT = 20
# "漯河市总工会 #12", "#12" or "12": the number wins over the name.
NUMBER = re.compile(r"(?:^|#)\s*(\d{1,12})\s*$")


def org_choices(user, purpose: str):
    """The orgs a picker of this purpose offers ``user``; ``None`` for an unknown purpose.

    parent: orgs the user may create or move a union under (active, not grassroots);
    change: active orgs the user may change; view: active orgs the user may see (filters and
    reports); union: any active union (a transfer's target lies anywhere in the country, and
    the receiving union decides); manage_accounts: active orgs the user may create accounts and
    grant roles on (an account manager's grant can be narrower than what they see)."""
    if purpose == "parent":
        return (
            Organization.objects.visible_to(user, Action.CHANGE)
            .active()
            .exclude(level=OrgLevel.GRASSROOTS)
        )
    if purpose == "change":
        return Organization.objects.visible_to(user, Action.CHANGE).active()
    if purpose == "view":
        return Organization.objects.visible_to(user, Action.VIEW).active()
    if purpose == "union":
        return Organization.objects.active()
    if purpose == "manage_accounts":
        return Organization.objects.visible_to(user, Action.MANAGE_ACCOUNTS).active()
    return None


def search(queryset, text: str, limit: int = AUTOCOMPLETE_LIMIT):
    """Orgs whose name (either script) contains every word of ``text``, or whose number it is;
    higher levels first."""
    text = (text or "").strip()
    if has_control_characters(text):
        return []  # no name holds one, and PostgreSQL refuses NUL in a query parameter
    number = NUMBER.search(text)
    if number:
        return list(queryset.filter(pk=int(number.group(1)))[:1])
    words = search_key(text).split()
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return list(queryset.order_by("depth", "path")[:limit])


def org_label(org: Organization) -> str:
    return f"{org.name} #{org.pk}"


class OrgAutocompleteInput(forms.TextInput):
    template_name = "widgets/org_autocomplete.html"

    def __init__(self, purpose: str = "change", attrs=None):
        base = {
            "autocomplete": "off",
            "placeholder": _("输入工会名称或编号"),
            "role": "combobox",
            "aria-autocomplete": "list",
            "aria-expanded": "false",
        }
        super().__init__(attrs={**base, **(attrs or {})})
        self.purpose = purpose
        self.exclude = None  # an org whose subtree the picker leaves out (moves)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        query = {"purpose": self.purpose, "field": name}
        if self.exclude is not None:
            query["exclude"] = self.exclude
        context["widget"]["url"] = f"{reverse('organizations:autocomplete')}?{urlencode(query)}"
        return context


class OrgAutocompleteField(forms.ModelChoiceField):
    """A ModelChoiceField over orgs whose input is text: a name or a number, resolved within
    the field's queryset (so scope is enforced on the way in, as with a <select>)."""

    default_error_messages = {
        "invalid_choice": _("没有找到这个工会，请从列表中选择，或输入工会名称或编号。"),
        "ambiguous": _("有多个工会与此名称相符，请从列表中选择或输入编号。"),
    }

    def __init__(self, *, purpose: str = "change", **kwargs):
        kwargs.setdefault("widget", OrgAutocompleteInput(purpose=purpose))
        kwargs.setdefault("queryset", Organization.objects.none())
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return org_label(value)
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            org = self.queryset.filter(pk=int(value)).first()
            return org_label(org) if org else value
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Organization):
            value = value.pk
        text = str(value).strip()
        if has_control_characters(text):
            # No union is named with one, and PostgreSQL refuses NUL in a query parameter.
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        number = NUMBER.search(text)
        if number:
            org = self.queryset.filter(pk=int(number.group(1))).first()
            if org is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return org
        exact = list(self.queryset.filter(name=text)[:2])
        matches = exact or search(self.queryset, text, limit=2)
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous" if matches else "invalid_choice"
        raise ValidationError(self.error_messages[code], code=code)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        initial = self.prepare_value(initial) if initial is not None else ""
        return str(initial) != str(data or "")
