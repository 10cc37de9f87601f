"""Reading the audit log: scoped like the data, filtered, and described in words an officer
reads (field labels, choice labels, names instead of ids, local time, personal data masked)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gonghui.core.audit import mask_changes, mask_text
from gonghui.core.history import actor_matches, who
from gonghui.core.models import AuditAction, AuditLog

# Reading as many rows as the largest member export: enough for any inspection, bounded memory.
AUDIT_EXPORT_MAX_ROWS = 100_000


def audit_list(
    *,
    user,
    content_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    org_path: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
):
    """The audit rows of the user's subtree (auditors included), newest first, optionally
    narrowed to one object type, one object, one actor, one org's subtree and a date range
    (local dates, both ends included)."""
    entries = AuditLog.objects.visible_to(user).select_related("content_type")
    if content_type:
        app_label, _dot, model = content_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if actor:
        entries = entries.filter(actor_matches(actor))
    if org_path:
        entries = entries.filter(org_path__subtree_of=org_path)
    if start:
        entries = entries.filter(created_at__gte=_local_midnight(start))
    if end:
        entries = entries.filter(created_at__lt=_local_midnight(end + datetime.timedelta(days=1)))
    return entries


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_object_types() -> list[tuple[str, str]]:
    """("app.model", label) for every model of the platform's own apps, for the type filter."""
    platform_models = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("gonghui.")
        for model in config.get_models()
    ]
    types = ContentType.objects.get_for_models(*platform_models)
    return sorted(
        (
            (f"{ct.app_label}.{ct.model}", str(model._meta.verbose_name))
            for model, ct in types.items()
        ),
        key=lambda item: item[1],
    )


# ---- Described rows ---------------------------------------------------------------------------


@dataclass
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass
class AuditRow:
    entry: AuditLog
    time: datetime.datetime
    actor: str
    object_repr: str
    type_label: str
    action_label: str
    lines: list[ChangeLine] = field(default_factory=list)
    rows: int | None = None  # an export's row count


def _field(model, name):
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A change recorded under a reverse relation's name (a station's "exceptions") is described
    # by its key, like any name that is no concrete field.
    return None if model_field.auto_created and not model_field.concrete else model_field


@functools.lru_cache(maxsize=2048)
def _field_words(model, name: str, language: str | None):
    """(field, its label, {stored value: choice label}) in one language: an export describes
    100,000 rows with a handful of fields, so each is worked out once."""
    model_field = _field(model, name)
    if model_field is None:
        return None, name, {}
    choices = {str(k): str(v) for k, v in model_field.flatchoices} if model_field.choices else {}
    return model_field, str(model_field.verbose_name), choices


def _is_reference(model_field) -> bool:
    return bool(model_field and (model_field.many_to_one or model_field.one_to_one))


EMPTY = "—"


def _text(value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "、".join(_text(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


def _value(model_field, value, names: dict, labels: dict) -> str:
    if value is None or value == "" or model_field is None:
        return _text(value)
    if _is_reference(model_field):
        key = (model_field.related_model, str(value))
        return names.get(key) or f"#{value}"
    if labels:
        if isinstance(value, list):
            return "、".join(str(labels.get(str(item), item)) for item in value)
        return str(labels.get(str(value), value))
    if isinstance(model_field, models.BooleanField):
        return _text(bool(value))
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    return _text(value)


def _reference_names(entries, user) -> dict:
    """{(model, id): name} for every reference on the page: one query per referenced model,
    only objects the reader may see (others stay a bare number)."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if not isinstance(entry.changes, dict):
            continue
        for name, pair in entry.changes.items():
            model_field = _field(model, name)
            if not _is_reference(model_field) or not isinstance(pair, list):
                continue
            for value in pair:
                if value not in (None, ""):
                    wanted.setdefault(model_field.related_model, set()).add(str(value))
    names = {}
    for model, ids in wanted.items():
        rows = model._default_manager.all()
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(user)
        pk_field = model._meta.pk
        try:
            keys = [pk_field.to_python(value) for value in ids]
        except Exception:  # a stored id that no longer parses is shown as it is
            continue
        for obj in rows.filter(pk__in=keys):
            names[(model, str(obj.pk))] = str(obj)
    return names


def _filters_text(filters: dict) -> str:
    return "；".join(f"{name}={_text(value)}" for name, value in filters.items()) or _("全部")


def describe_audit(entries, *, user) -> list[AuditRow]:
    """The page's rows in words: field labels, choice labels, names for references, the local
    time, and personal data masked even in rows written before masking existed."""
    entries = list(entries)
    names = _reference_names(entries, user)
    language = translation.get_language()
    local = timezone.get_current_timezone()
    actions = {value: str(label) for value, label in AuditAction.choices}
    type_labels: dict[int, str] = {}
    described = []
    for entry in entries:
        model = entry.content_type.model_class()
        if entry.content_type_id not in type_labels:
            type_labels[entry.content_type_id] = (
                str(model._meta.verbose_name) if model else entry.content_type.model
            )
        changes = mask_changes(model, entry.changes)
        row = AuditRow(
            entry=entry,
            time=timezone.localtime(entry.created_at, local),
            actor=who(entry.actor_label),
            object_repr=mask_text(entry.object_repr),
            type_label=type_labels[entry.content_type_id],
            action_label=actions.get(entry.action, entry.action),
        )
        if entry.action == AuditAction.EXPORT and isinstance(changes, dict):
            row.rows = changes.get("rows")
            row.lines.append(
                ChangeLine(_("筛选条件"), _filters_text(changes.get("filters") or {}), "")
            )
        elif isinstance(changes, dict):
            for name, pair in changes.items():
                model_field, label, labels = _field_words(model, name, language)
                if model_field is not None and model_field.primary_key:
                    continue  # the row's own id says nothing the object column does not
                if isinstance(pair, list) and len(pair) == 2:
                    old, new = pair
                else:
                    old, new = None, pair
                old_text = _value(model_field, old, names, labels)
                new_text = _value(model_field, new, names, labels)
                if old_text == new_text == EMPTY:
                    continue  # nothing before, nothing after: a blank field of a new record
                if entry.action == AuditAction.CREATE and old_text == EMPTY:
                    row.lines.append(ChangeLine(label, new_text, ""))
                else:
                    row.lines.append(ChangeLine(label, old_text, new_text))
        described.append(row)
    return described
