"""The header's view of the signed-in person (a builtin library: every page's header asks)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from gonghui.accounts.selectors import may_manage_accounts
from gonghui.core.templatetags.gonghui import mask_name
from gonghui.members.models import Member

register = template.Library()

_NO_MEMBER = object()


@register.filter
def member_of(user):
    """The signed-in worker's member record, or None (read once per request and kept on the
    user object, since the header and the page both ask)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    cached = getattr(user, "_gonghui_member", _NO_MEMBER)
    if cached is _NO_MEMBER:
        cached = Member.objects.filter(account=user).only("name", "status").first()
        user._gonghui_member = cached
    return cached


@register.filter
def account_label(user) -> str:
    """How the header names the signed-in account: officers by name, workers by their member
    record's masked name (never the phone number they signed in with)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "can_read_officer_pages", False):
        return str(user)
    member = member_of(user)
    if member is not None:
        return mask_name(member.name)
    if user.display_name:
        return mask_name(user.display_name)
    return _("职工")


@register.filter
def manages_accounts(user) -> bool:
    """Does the header offer account management (an account-manager grant somewhere)?"""
    return may_manage_accounts(user)
