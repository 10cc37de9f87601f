"""Every write to the union hierarchy. Each takes ``actor=``, checks the actor's scope, validates,
writes, and records an audit row in the same transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for

from .choices import LEVEL_RANK
from .models import PATH_STEP, Organization, path_segment, segment_number

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "level",
    "org_type",
    "region_code",
    "credit_code",
    "founded_on",
    "chair",
    "contact_phone",
    "address",
    "latitude",
    "longitude",
    "liaison_department",
)


def _next_child_path(parent: Organization | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Organization.objects.filter(depth=(parent.depth + 1) if parent else 0)
    siblings = siblings.filter(parent=parent) if parent else siblings.filter(parent__isnull=True)
    last = siblings.aggregate(last=Max("path"))["last"]
    number = segment_number(last[-PATH_STEP:]) + 1 if last else 0
    return prefix + path_segment(number)


def _check_level(org: Organization, parent: Organization | None) -> None:
    if parent is None:
        return
    if LEVEL_RANK[org.level] <= LEVEL_RANK[parent.level]:
        raise ValidationError({"level": _("下级工会的级别必须低于上级工会。")})
    if not parent.is_active:
        raise ValidationError({"parent": _("上级工会已撤销，不能在其下新建或移入工会。")})


def _check_credit_code_unique(org: Organization) -> None:
    if org.credit_code and (
        Organization.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk).exists()
    ):
        raise ValidationError({"credit_code": _("已有工会使用这个统一社会信用代码。")})


def _lock(org: Organization | None) -> Organization | None:
    """Re-read ``org`` under a row lock: fresh values (a caller's copy may be stale), and
    concurrent creates under one parent serialise on PostgreSQL (SQLite has one writer)."""
    if org is None:
        return None
    return Organization.objects.select_for_update().get(pk=org.pk)


@transaction.atomic
def org_create(*, actor, parent: Organization | None, **fields) -> Organization:
    if parent is None:
        if not scope_for(actor, Action.CHANGE).everything:
            raise ValidationError({"parent": _("只有超级管理员可以新建顶级工会。")})
    else:
        require_in_scope(actor, parent.path, Action.CHANGE)
    parent = _lock(parent)
    org = Organization(parent=parent, **fields)
    org.credit_code = (org.credit_code or "").strip().upper()
    _check_level(org, parent)
    org.path = _next_child_path(parent)
    org.depth = (parent.depth + 1) if parent else 0
    _check_credit_code_unique(org)
    org.full_clean()
    org.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=org,
        org_path=org.path,
        changes=audit.diff({}, audit.snapshot(org)),
    )
    return org


@transaction.atomic
def org_update(*, actor, org: Organization, **fields) -> Organization:
    require_in_scope(actor, org.path, Action.CHANGE)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    org = Organization.objects.select_for_update().get(pk=org.pk)
    before = audit.snapshot(org)
    for name, value in fields.items():
        setattr(org, name, value)
    org.credit_code = (org.credit_code or "").strip().upper()
    _check_level(org, org.parent)
    if "level" in fields:
        deepest_child = org.children.order_by("-level").values_list("level", flat=True)
        for child_level in deepest_child:
            if LEVEL_RANK[child_level] <= LEVEL_RANK[org.level]:
                raise ValidationError({"level": _("下级工会的级别必须低于上级工会。")})
    _check_credit_code_unique(org)
    org.full_clean()
    org.save()
    changes = audit.diff(before, audit.snapshot(org))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=org, org_path=org.path, changes=changes
        )
    return org


@transaction.atomic
def org_move(*, actor, org: Organization, new_parent: Organization) -> Organization:
    """Move ``org`` and its whole subtree under ``new_parent``: one UPDATE rewrites every path
    prefix, and every org whose path changed gets an audit row."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    actor_scope = scope_for(actor, Action.CHANGE)
    # An officer cannot move the root of their own scope: only the level above owns that edge.
    if not actor_scope.everything and org.path in actor_scope.paths:
        raise ValidationError({"parent": _("不能移动您自己所在的工会。")})
    require_in_scope(actor, org.path, Action.CHANGE)
    require_in_scope(actor, new_parent.path, Action.CHANGE)
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise ValidationError({"parent": _("不能把工会移动到它自己或它的下级之下。")})
    if new_parent.pk == org.parent_id:
        return org
    new_parent = _lock(new_parent)
    _check_level(org, new_parent)
    old_path, old_parent_id = org.path, org.parent_id
    new_path = _next_child_path(new_parent)
    depth_delta = (new_parent.depth + 1) - org.depth
    subtree = Organization.objects.filter(path__subtree_of=old_path)
    moved_ids = list(subtree.values_list("pk", "path"))
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_delta,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    figures.subtree_moved(old_path=old_path, new_path=new_path)
    org.refresh_from_db()

    new_paths = dict(
        Organization.objects.filter(pk__in=[pk for pk, _p in moved_ids]).values_list("pk", "path")
    )
    entries = []
    descendants = {o.pk: o for o in Organization.objects.filter(pk__in=new_paths)}
    for pk, previous_path in moved_ids:
        instance = descendants[pk]
        changes = {"path": [previous_path, new_paths[pk]]}
        action = AuditAction.UPDATE
        if pk == org.pk:
            changes["parent"] = [old_parent_id, new_parent.pk]
            action = AuditAction.MOVE
        entries.append(
            audit.build(
                actor=actor,
                action=action,
                instance=instance,
                org_path=new_paths[pk],
                changes=changes,
            )
        )
    audit.record_many(entries)
    return org


@transaction.atomic
def org_dissolve(*, actor, org: Organization, dissolved_on: datetime.date) -> Organization:
    """Mark a union dissolved (e.g. a project union at the project's end). Its record and history
    stay; it cannot be dissolved while it still has active sub-unions."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    actor_scope = scope_for(actor, Action.CHANGE)
    if not actor_scope.everything and org.path in actor_scope.paths:
        raise ValidationError({"dissolved_on": _("不能撤销您自己所在的工会。")})
    require_in_scope(actor, org.path, Action.CHANGE)
    if not org.is_active:
        raise ValidationError({"dissolved_on": _("该工会已经撤销。")})
    if org.founded_on and dissolved_on < org.founded_on:
        raise ValidationError({"dissolved_on": _("撤销日期不能早于成立日期。")})
    if org.children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError({"dissolved_on": _("请先撤销或移走其下仍在运行的工会。")})
    before = audit.snapshot(org)
    org.dissolved_on = dissolved_on
    org.save(update_fields=["dissolved_on", "updated_at", "search_text"])
    audit.record(
        actor=actor,
        action=AuditAction.DISSOLVE,
        instance=org,
        org_path=org.path,
        changes=audit.diff(before, audit.snapshot(org)),
    )
    return org
