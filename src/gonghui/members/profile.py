"""A worker completes their own real-name profile (the officer's edit is
``services.member_update``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.models import AuditAction

from .choices import MemberStatus
from .models import Member
from .services import PROFILE_FIELDS

OWN_FIELDS = ("work_place", *PROFILE_FIELDS)


@transaction.atomic
def member_profile_update_own(*, actor, member: Member, **fields) -> Member:
    """The signed-in worker's own record only (anyone else: 404); name, phone, union and
    employer stay with the officers."""
    if member.account_id is None or member.account_id != getattr(actor, "pk", None):
        raise Http404
    unknown = set(fields) - set(OWN_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if member.status == MemberStatus.MERGED:
        raise Http404
    before = audit.snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    changes = audit.diff(before, audit.snapshot(member))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=member, org_path=member.union.path,
            changes=changes,
        )  # fmt: skip
        figures.member_written(before, member)
    return member
