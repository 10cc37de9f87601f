"""Template filters every page uses (registered as builtins, no ``{% load %}`` needed).

Controls follow the same rule as the data: a page shows an edit, move or create control only
when ``core.scoping`` says the user may change that object (``{% if org|can_change:user %}``) or
may change anything at all (``{% if user|can_write %}``), so a read-only role never sees a
button that would answer 404.
"""

from __future__ import annotations

from django import forms, template

from gonghui.core.history import who
from gonghui.core.scoping import Action, scope_for

register = template.Library()


def mask_name(name: str) -> str:
    """张三丰 -> 张**: enough for the person to recognise themselves, not for a passer-by."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _org_path(obj) -> str | None:
    """The org path an object is scoped by: a path string, an org, or any scoped model (its
    ``scope_path_lookup``, e.g. ``union__path``, followed attribute by attribute)."""
    if obj is None or isinstance(obj, str):
        return obj
    lookup = getattr(obj, "scope_path_lookup", None)
    if lookup is None:
        return getattr(obj, "path", None)
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


@register.filter
def can_change(obj, user) -> bool:
    """May ``user`` change ``obj`` (an org, a scoped object or an org path)?"""
    scope = scope_for(user, Action.CHANGE)
    if scope.everything:
        return True
    if scope.is_empty:
        return False
    return scope.covers(_org_path(obj))


@register.filter
def can_write(user) -> bool:
    """May ``user`` change anything at all (for list-level create and import controls)?"""
    return not scope_for(user, Action.CHANGE).is_empty


@register.filter
def is_read_only(user) -> bool:
    """An account that reads officer pages but may change nothing (the auditor)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "can_read_officer_pages", False)
        and not can_write(user)
    )


@register.filter(name="who")
def who_filter(actor_label: str) -> str:
    """The actor of a history or audit row in words (``core.history.who``)."""
    return who(actor_label)


# Field names that hold a phone number, digits only, or a decimal amount; the phone keypad and
# the numeric keypad are what a worker on a phone expects for them.
PHONE_NAMES = ("phone", "mobile", "tel")
DIGIT_NAMES = ("code", "otp_token", "token", "postal_code", "region_code", "year")
TEXT_WIDGETS = (forms.TextInput, forms.NumberInput)
NOT_TEXT = (forms.EmailInput, forms.URLInput, forms.PasswordInput, forms.DateInput)


def keypad_for(name: str, field: forms.Field) -> str | None:
    """The ``inputmode`` a field wants: tel, numeric, decimal, or None for text."""
    from gonghui.core.validators import validate_mobile

    if validate_mobile in getattr(field, "validators", ()) or any(
        part in name for part in PHONE_NAMES
    ):
        return "tel"
    if isinstance(field, forms.DecimalField | forms.FloatField):  # before IntegerField, their base
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "numeric"
    if name in DIGIT_NAMES or (name.endswith(("_code", "_count")) and name != "credit_code"):
        return "numeric"
    return None


@register.filter
def keypad(bound_field):
    """Render a form field with the phone's numeric or phone keypad where the value is digits
    (one rule for every form, applied by ``form_field.html``); an explicit ``inputmode`` on the
    widget wins."""
    field = bound_field.field
    widget = field.widget
    if (
        isinstance(widget, TEXT_WIDGETS)
        and not isinstance(widget, NOT_TEXT)
        and "inputmode" not in widget.attrs
    ):
        mode = keypad_for(bound_field.name, field)
        if mode is not None:
            widget.attrs["inputmode"] = mode
            if mode == "tel":
                widget.attrs.setdefault("autocomplete", "tel")
    return bound_field
