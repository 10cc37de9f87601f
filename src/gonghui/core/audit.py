"""Writing the audit log. Services call :func:`record` inside their transaction, so a change and
its audit row commit or roll back together."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from gonghui.core import context
from gonghui.core.models import AuditLog

# Never written to the log even when they change: secrets and derived search columns.
REDACTED_FIELDS = frozenset({"password", "id_card_encrypted", "id_card_hash", "search_text"})
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


def actor_label(actor) -> str:
    """What history rows keep as text about who acted, so they survive a deleted account."""
    if actor is None:
        return "anonymous"
    return actor.get_username()


def actor_fk(actor):
    """The actor as a foreign-key value: None for the SYSTEM actor and for anonymous callers."""
    return actor if getattr(actor, "pk", None) else None


def build(*, actor, action: str, instance: models.Model, org_path: str, changes: dict) -> AuditLog:
    request = context.current()
    return AuditLog(
        actor=actor_fk(actor),
        actor_label=actor_label(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        org_path=org_path or "",
        changes=changes,
        request_id=request.request_id,
        ip=request.ip,
    )


def record(*, actor, action: str, instance: models.Model, org_path: str, changes: dict) -> AuditLog:
    entry = build(actor=actor, action=action, instance=instance, org_path=org_path, changes=changes)
    entry.save()
    return entry


def record_many(entries: list[AuditLog]) -> None:
    AuditLog.objects.bulk_create(entries, batch_size=500)
