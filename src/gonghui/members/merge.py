"""Merging a duplicate member record into the one that stays (重复会员合并).

One person, one record: a person entered twice (a new phone, an old 15-digit ID number, a
typo in a name) ends up with one record that keeps both histories. The dropped record stays,
marked merged and pointing at the kept one, so what referred to it can still be followed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.organizations.models import PATH_STEP

from .choices import EventKind, MemberStatus, TransferStatus
from .models import Member, MemberEvent, TransferRequest
from .selectors import duplicate_reasons
from .services import PROFILE_FIELDS

# Filled on the kept record from the dropped one when the kept record has them empty.
FILLED_FIELDS = ("employer", "employer_name", "work_place", *PROFILE_FIELDS)
ID_FIELDS = ("id_card_encrypted", "id_card_hash", "id_card_masked")


def common_ancestor_path(first: str, second: str) -> str:
    """The path of the deepest union above (or equal to) both paths."""
    length = 0
    while (
        length + PATH_STEP <= min(len(first), len(second))
        and first[length : length + PATH_STEP] == second[length : length + PATH_STEP]
    ):
        length += PATH_STEP
    return first[:length]


def _repoint_related(drop: Member, keep: Member) -> list[str]:
    """Point what other parts of the platform hold for the dropped record (cases, deliveries,
    enrolments ...) at the kept one. A row that cannot move (the kept record already has its
    one delivery of that campaign, say) stays with the dropped record; their names are
    returned."""
    left = []
    for relation in Member._meta.related_objects:
        model = relation.related_model
        if model in (Member, MemberEvent, TransferRequest) or not relation.one_to_many:
            continue
        name = relation.field.name
        rows = model._base_manager.filter(**{name: drop})
        try:
            with transaction.atomic():
                rows.update(**{name: keep})
        except IntegrityError:
            for pk in list(rows.values_list("pk", flat=True)):
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=pk).update(**{name: keep})
                except IntegrityError:
                    left.append(str(model._meta.verbose_name))
    return sorted(set(left))


def _swap_id_numbers(keep: Member, drop: Member) -> None:
    """The kept record takes the 18-digit number when the dropped one holds it (the hash is
    unique: the dropped row lets go of it first)."""
    keep_ids = {name: getattr(keep, name) for name in ID_FIELDS}
    drop_ids = {name: getattr(drop, name) for name in ID_FIELDS}
    Member.objects.filter(pk=drop.pk).update(id_card_hash=f"merged-{drop.pk}")
    Member.objects.filter(pk=keep.pk).update(**drop_ids)
    Member.objects.filter(pk=drop.pk).update(**keep_ids)
    for name in ID_FIELDS:
        setattr(keep, name, drop_ids[name])
        setattr(drop, name, keep_ids[name])


@transaction.atomic
def member_merge(*, actor, keep: Member, drop: Member, note: str = "") -> Member:
    """Merge ``drop`` into ``keep``: the histories, transfers and what other apps hold move to
    ``keep``, its empty profile fields are filled from ``drop``, and ``drop`` is marked merged
    (its card revoked). Both records must be the actor's to change, and records in two unions
    need an officer of a union above both."""
    require_in_scope(actor, keep.union.path, Action.CHANGE)
    require_in_scope(actor, drop.union.path, Action.CHANGE)
    if keep.pk == drop.pk:
        raise ValidationError({"drop_id": _("不能与同一条记录合并。")})
    ancestor = common_ancestor_path(keep.union.path, drop.union.path)
    if not scope_for(actor, Action.CHANGE).covers(ancestor):
        raise ValidationError(
            {"drop_id": _("两条记录分属不同工会，须由它们共同的上级工会办理合并。")}
        )
    locked = {
        m.pk: m
        for m in Member.objects.select_for_update()
        .select_related("union")
        .filter(pk__in=[keep.pk, drop.pk])
        .order_by("pk")
    }
    keep, drop = locked[keep.pk], locked[drop.pk]
    if MemberStatus.MERGED in (keep.status, drop.status):
        raise ValidationError({"drop_id": _("该记录已合并过。")})
    if not duplicate_reasons(keep, drop):
        raise ValidationError(
            {"drop_id": _("这两条记录的手机号码、姓名和出生日期、身份证号码都不对应，不能合并。")}
        )
    if TransferRequest.objects.filter(
        member__in=[keep, drop], status=TransferStatus.PENDING
    ).exists():
        raise ValidationError({"drop_id": _("有待处理的转会申请，请先处理。")})
    keep_before, drop_before = audit.snapshot(keep), audit.snapshot(drop)

    MemberEvent.objects.filter(member=drop).update(member=keep)
    TransferRequest.objects.filter(member=drop).update(member=keep)
    left = _repoint_related(drop, keep)
    if len(keep.id_card_masked) == 15 and len(drop.id_card_masked) == 18:
        _swap_id_numbers(keep, drop)
    for name in FILLED_FIELDS:
        if getattr(keep, name) in (None, "") and getattr(drop, name) not in (None, ""):
            setattr(keep, name, getattr(drop, name))
    if keep.account_id is None and drop.account_id is not None:
        keep.account_id, drop.account_id = drop.account_id, None
    drop.status = MemberStatus.MERGED
    drop.merged_into = keep
    drop.card_version += 1
    drop.save()
    keep.save()
    text = str(_("合并了重复记录 %(number)s")) % {"number": drop.member_number}
    if note:
        text = f"{text}：{note}"
    if left:
        not_moved = _("未能转移：%(what)s") % {"what": "、".join(left)}
        text = f"{text}（{not_moved}）"
    MemberEvent.record(
        actor=actor, member=keep, kind=EventKind.MERGED, note=text[:2000],
        status_before=keep.status, status_after=keep.status, union=keep.union,
        other_union=drop.union if drop.union_id != keep.union_id else None,
    )  # fmt: skip
    MemberEvent.record(
        actor=actor, member=drop, kind=EventKind.MERGED,
        note=str(_("已合并到 %(number)s")) % {"number": keep.member_number},
        status_before=drop_before["status"], status_after=drop.status, union=drop.union,
        other_union=keep.union if drop.union_id != keep.union_id else None,
    )  # fmt: skip
    for member, before in ((keep, keep_before), (drop, drop_before)):
        changes = audit.diff(before, audit.snapshot(member))
        changes.pop("id_card_encrypted", None)
        changes.pop("id_card_hash", None)
        if member is keep:
            changes["merged_from"] = [None, drop.member_number]
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=member,
            org_path=member.union.path, changes=changes,
        )  # fmt: skip
        figures.member_written(before, member)
    return keep
