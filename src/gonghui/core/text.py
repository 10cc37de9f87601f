"""Chinese text normalisation: index in Simplified, accept either script from the user."""

import re
from functools import lru_cache

import opencc
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw.json")  # Traditional script, mainland terms (類型, not 型別)


def to_simplified(text: str) -> str:
    return _to_simplified().convert(text or "")


def to_traditional(text: str) -> str:
    return _to_traditional().convert(text or "")


def search_key(text: str) -> str:
    """The form stored in search columns and applied to queries: Simplified, lower case,
    single spaces. 長沙 and 长沙 both become 长沙."""
    return " ".join(to_simplified(text).lower().split())


# Characters no text on the platform has a use for: C0 and C1 controls except tab, line feed and
# carriage return; DEL; lone surrogates (JSON can carry "\ud800", no database can store it); and
# the two non-characters XML cannot hold. One of them in a name breaks every xlsx export that
# row appears in (xlsx is XML), PostgreSQL refuses NUL outright, and ESC drives terminals.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Harmless at either end of a value (a pasted cell, a trailing Enter), so trimmed, not refused.
EDGE_WHITESPACE = "\t\n\r"
CONTROL_CHARACTER_MESSAGE = _("不能包含控制字符或不可见的特殊字符，请删除后重新输入。")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def validate_no_control_characters(value) -> None:
    """Django validator: the last line for every text field (forms and models alike)."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_characters")


def guard_text_fields() -> None:
    """Give every text field of the platform's models and of every Django form the
    control-character validator, once, at start-up.

    Appended to each model field's validator list (as Django appends MaxLengthValidator), not to
    its declared ``validators``, so migrations are unaffected; full_clean, which every service
    calls, then refuses such text on any model. Forms get it through forms.CharField."""
    from django import forms
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if not model.__module__.startswith("gonghui."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and (
                validate_no_control_characters not in field.validators
            ):
                field.validators.append(validate_no_control_characters)
    # Forms declared from now on get it at construction; forms already declared (the admin
    # imports some before this runs) get it on their declared fields.
    pending = [forms.CharField]
    while pending:
        field_class = pending.pop()
        pending.extend(field_class.__subclasses__())
        if validate_no_control_characters not in field_class.default_validators:
            field_class.default_validators = [
                *field_class.default_validators,
                validate_no_control_characters,
            ]
    pending = [forms.BaseForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        for field in getattr(form_class, "base_fields", {}).values():
            if isinstance(field, forms.CharField) and (
                validate_no_control_characters not in field.validators
            ):
                field.validators.append(validate_no_control_characters)
