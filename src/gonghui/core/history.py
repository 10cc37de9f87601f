"""Per-object history: one abstract base for every timeline (a member's 会籍变化, a case's 办理过程,
a founding case's 建会过程, …) and one way of saying who acted, shared with the audit log.

A domain keeps its own concrete event model (``members.MemberEvent``, ``cases.CaseEvent``) with
the columns only it needs, and inherits the block every timeline has::

    class MemberEvent(HistoryEvent):
        member = models.ForeignKey(Member, ..., related_name="events")
        kind = models.CharField(_("变化类型"), max_length=30, choices=EventKind.choices)

Its services write rows with ``MemberEvent.build(actor=actor, member=..., kind=...)`` (or
``.record(...)`` to save at once) inside their transaction, so the actor is stored the same way
as in the audit log; pages render them with ``{% include "core/_timeline.html" %}`` and name the
actor with the ``who`` filter, which the audit page uses too.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.audit import actor_fk, actor_label, mask_text
from gonghui.core.fields import user_fk

# What ``core.audit.actor_label`` stores for the SYSTEM actor and for a caller with no account.
SYSTEM_LABEL = "system"
ANONYMOUS_LABEL = "anonymous"


def who(label: str | None) -> str:
    """How any page names the actor of a history or audit row: the account name (with any phone
    or ID number in it masked), the system in words, a caller without an account as the worker
    acting for themselves online."""
    if label == SYSTEM_LABEL:
        return gettext("系统")
    if not label or label == ANONYMOUS_LABEL:
        return gettext("本人（线上）")
    return mask_text(label)


def actor_matches(text: str) -> models.Q:
    """Rows whose actor is ``text`` as stored or as ``who`` shows it (so "系统" finds the
    system's rows as "system" does)."""
    named = [label for label in (SYSTEM_LABEL, ANONYMOUS_LABEL) if text in who(label)]
    return models.Q(actor_label__icontains=text) | models.Q(actor_label__in=named)


class HistoryEvent(models.Model):
    """Abstract: one line of an object's timeline. Rows are appended by services and never
    edited; ``actor_label`` keeps who acted readable after their account is deleted."""

    # Each timeline redeclares ``kind`` with its own choices.
    kind = models.CharField(_("类型"), max_length=30)
    actor = user_fk(_("操作人"))
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    note = models.TextField(_("说明"), max_length=5000, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} {self.actor_label}"

    @classmethod
    def build(cls, *, actor, **fields):
        """An unsaved row by ``actor`` (a user, ``SYSTEM`` or None for a caller without an
        account), for ``bulk_create`` or ``save``."""
        return cls(actor=actor_fk(actor), actor_label=actor_label(actor), **fields)

    @classmethod
    def record(cls, *, actor, **fields):
        """Save one row by ``actor``; call it inside the service's transaction."""
        event = cls.build(actor=actor, **fields)
        event.save()
        return event

    @property
    def actor_words(self) -> str:
        return who(self.actor_label)
