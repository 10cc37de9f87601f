"""Writing the audit log. Services call :func:`record` inside their transaction, so a change and
its audit row commit or roll back together."""

from __future__ import annotations

import datetime
import decimal
import functools
import re
import uuid
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from gonghui.core import context
from gonghui.core.models import AuditAction, AuditLog
from gonghui.core.validators import is_valid_id_card, mask_id_card, mask_phone

# Never written to the log even when they change: secrets and derived search columns.
REDACTED_FIELDS = frozenset({"password", "id_card_encrypted", "id_card_hash", "search_text"})
# Whatever model they belong to, these names hold an ID-card number: masked, never as typed.
ID_NUMBER_FIELDS = frozenset({"id_card", "id_number", "id_card_number"})
# Text that may carry a mobile or ID number (a search typed into an export's filter).
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1\d{10}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# The log row has its own timestamp; a row's updated_at changing is not news.
NOISE_FIELDS = frozenset({"created_at", "updated_at", "last_login"})


def json_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The concrete field values of ``instance`` (FKs as ids), JSON-safe."""
    values = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in REDACTED_FIELDS or field.name in NOISE_FIELDS:
            continue
        values[field.name] = json_value(getattr(instance, field.attname))
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(name, attname) of each field ``snapshot`` holds for ``model``, in name order."""
    return tuple(
        sorted(
            (f.name, f.attname)
            for f in model._meta.concrete_fields
            if f.name not in REDACTED_FIELDS and f.name not in NOISE_FIELDS
        )
    )


def created_changes(instance: models.Model) -> dict:
    """``diff({}, snapshot(instance))`` for a new record, in one pass over a field list worked
    out once per model: the online join writes one per request."""
    changes = {}
    for name, attname in _audited_fields(type(instance)):
        value = getattr(instance, attname)
        if value is not None:
            changes[name] = [None, json_value(value)]
    return changes


def actor_label(actor) -> str:
    """What history rows keep as text about who acted, so they survive a deleted account."""
    if actor is None:
        return "anonymous"
    return actor.get_username()


def actor_fk(actor):
    """The actor as a foreign-key value: None for the SYSTEM actor and for anonymous callers."""
    return actor if getattr(actor, "pk", None) else None


# ---- Personal data in the log ------------------------------------------------------------------
#
# A model lists the fields the log may only hold masked, with the function that masks them:
#
#     class Member(...):
#         audit_masked_fields = {"phone": mask_phone}
#
# build() applies the rules as a row is written, and mask_changes() again as rows are read, so
# rows written before a rule existed are shown masked too (masking is idempotent).


def _mask_id_value(value: str) -> str:
    return mask_id_card(value) if len(value.strip()) >= 15 else value


@functools.lru_cache(maxsize=256)
def masking_rules(model) -> dict[str, Callable[[str], str]]:
    rules = dict.fromkeys(ID_NUMBER_FIELDS, _mask_id_value)
    rules.update(getattr(model, "audit_masked_fields", None) or {})
    return rules


def _mask_value(rule, value):
    if value is None or value == "":
        return value
    if isinstance(value, list | tuple):
        return [_mask_value(rule, item) for item in value]
    if isinstance(value, dict):
        return {key: _mask_value(rule, item) for key, item in value.items()}
    return rule(str(value))


def mask_text(text: str) -> str:
    """Free text with any mobile or valid ID number in it masked."""

    text = _ID_IN_TEXT.sub(_mask_id_in_match, text) if len(text) >= 18 else text
    return _MOBILE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)), text)


def _mask_id_in_match(match) -> str:
    number = match.group(0)
    return mask_id_card(number) if is_valid_id_card(number) else number


def _mask_ids_anywhere(value):
    kind = type(value)
    if kind is str:
        # Most values are short: an ID number needs 18 characters.
        return _ID_IN_TEXT.sub(_mask_id_in_match, value) if len(value) >= 18 else value
    if value is None or kind is int or kind is bool or kind is float:
        return value
    if isinstance(value, str):
        return _ID_IN_TEXT.sub(_mask_id_in_match, value)
    if isinstance(value, list | tuple):
        return [_mask_ids_anywhere(item) for item in value]
    if isinstance(value, dict):
        return {key: _mask_ids_anywhere(item) for key, item in value.items()}
    return value


def mask_changes(model, changes: dict) -> dict:
    """``changes`` with each field the model declares masked, and no ID number anywhere."""
    if not isinstance(changes, dict):
        return changes
    rules = masking_rules(model) if model is not None else {}
    masked = {}
    for name, value in changes.items():
        rule = rules.get(name)
        if rule is not None:
            value = _mask_value(rule, value)
        # The usual [old, new] pair of short values, on a path taken for every imported row.
        if type(value) is list and len(value) == 2:
            masked[name] = [_mask_ids_anywhere(value[0]), _mask_ids_anywhere(value[1])]
        else:
            masked[name] = _mask_ids_anywhere(value)
    return masked


def build(*, actor, action: str, instance: models.Model, org_path: str, changes: dict) -> AuditLog:
    request = context.current()
    return AuditLog(
        actor=actor_fk(actor),
        # A worker's account is named by its phone number: the log keeps it masked.
        actor_label=mask_text(actor_label(actor)),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=mask_text(str(instance))[:255],
        org_path=org_path or "",
        changes=mask_changes(type(instance), changes),
        request_id=request.request_id,
        ip=request.ip,
    )


def record(*, actor, action: str, instance: models.Model, org_path: str, changes: dict) -> AuditLog:
    entry = build(actor=actor, action=action, instance=instance, org_path=org_path, changes=changes)
    entry.save()
    return entry


def record_many(entries: list[AuditLog]) -> None:
    AuditLog.objects.bulk_create(entries, batch_size=500)


def _filter_text(value) -> str | int | bool | None:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, models.Model):
        return str(value)[:200]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return mask_text(str(value))[:200]


def record_export(
    *, actor, model: type[models.Model], org_path: str, label: str, filters: dict, rows: int
) -> AuditLog:
    """An export is its own audit row: who took which filter of which records, how many rows.
    Personal data typed into a filter (a phone, an ID number) is kept masked."""
    request = context.current()
    entry = AuditLog(
        actor=actor_fk(actor),
        actor_label=mask_text(actor_label(actor)),
        action=AuditAction.EXPORT,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        object_id="",
        object_repr=str(label)[:255],
        org_path=org_path or "",
        changes={
            "filters": {
                str(name): _filter_text(value)
                for name, value in filters.items()
                if value not in (None, "", [], ())
            },
            "rows": rows,
        },
        request_id=request.request_id,
        ip=request.ip,
    )
    entry.save()
    return entry
