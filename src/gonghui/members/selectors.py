"""Reads: scoped member lists, one member, history, transfers, union proposals, card checks."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

import rjieba
from django.db.models import Q

from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.core.text import search_key
from gonghui.organizations.choices import OrgLevel, OrgType
from gonghui.organizations.models import Organization

from . import crypto
from .choices import GROUP_KEYWORDS, MemberStatus, TransferStatus
from .models import ImportJob, Member, MemberEvent, TransferRequest, UnionJoinPolicy


def member_list(
    *,
    user,
# 会员编号: the 6-digit region code of the first union and a 10-digit national serial.
MEMBER_NUMBER_LENGTH = 16


    q: str | None = None,
    status: str | None = None,
    occupation_group: str | None = None,
    union_id: int | None = None,
    joined_from: datetime.date | None = None,
    joined_to: datetime.date | None = None,
):
    """Members in the user's scope. ``q`` matches a name (either script), a member number (all
    16 digits, or its last digits), the last digits of the ID number (4 characters, X allowed) or
    of the phone."""
    members = Member.objects.visible_to(user).select_related("union")
    if q:
        text = q.strip().upper()
        if text and all(ch.isdigit() or ch == "X" for ch in text):
            if len(text) == 18:
                match = Q(id_card_hash=crypto.id_hash(text))
            elif len(text) <= 4:
                match = Q(id_card_masked__endswith=text) | Q(phone__endswith=text)
            else:
                match = Q(phone__endswith=text) | Q(member_number__endswith=text)
            members = members.filter(match)
        else:
            for word in search_key(q).split():
                members = members.filter(search_text__contains=word)
    if status:
        members = members.filter(status=status)
    if occupation_group:
        members = members.filter(occupation_group=occupation_group)
    if union_id:
        union = Organization.objects.visible_to(user).filter(pk=union_id).first()
        members = members.filter(union__path__subtree_of=union.path) if union else members.none()
    if joined_from:
        members = members.filter(joined_on__gte=joined_from)
    if joined_to:
        members = members.filter(joined_on__lte=joined_to)
    return members.order_by("-joined_on", "-id")


def member_get(*, user, member_id, action: Action = Action.VIEW) -> Member:
    return get_visible_or_404(Member.objects.select_related("union"), user, action, pk=member_id)


def member_history(*, member: Member):
    return (
        MemberEvent.objects.filter(member=member)
        .select_related("union", "other_union")
        .order_by("created_at", "id")
    )


def transfer_list(*, user, status: str | None = None, direction: str | None = None):
    """Transfers into or out of the user's subtree."""
    scope = scope_for(user)
    transfers = TransferRequest.objects.select_related("member", "from_union", "to_union")
    if not scope.everything:
        if scope.path is None:
            return transfers.none()
        incoming = Q(to_union__path__subtree_of=scope.path)
        outgoing = Q(from_union__path__subtree_of=scope.path)
        transfers = transfers.filter(
            incoming
            if direction == "in"
            else outgoing
            if direction == "out"
            else incoming | outgoing
        )
    if status:
        transfers = transfers.filter(status=status)
    return transfers.order_by("-requested_at", "-id")


def transfer_get(*, user, transfer_id, action: Action = Action.VIEW) -> TransferRequest:
    from django.http import Http404

    transfer = transfer_list(user=user).filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404
    if action == Action.CHANGE and not scope_for(user, Action.CHANGE).covers(
        transfer.to_union.path
    ):
        raise Http404
    return transfer


def import_job_get(*, user, job_id) -> ImportJob:
    return get_visible_or_404(ImportJob.objects.select_related("union"), user, pk=job_id)


def union_choices(*, user, action: Action = Action.CHANGE):
    """Unions the user may enrol members into (active, in scope)."""
    return Organization.objects.visible_to(user, action).active().order_by("path")


# ---- Which union should a worker join? --------------------------------------------------------

# Words too general to say where someone works.
PLACE_STOPWORDS = frozenset(
    {"街道", "社区", "工会", "园区", "市", "区", "县", "镇", "乡", "村", "省", "路", "号", "附近"}
)
EMPLOYER_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
HOLDING_TYPES = (OrgType.SINGLE, OrgType.JOINT, OrgType.PROJECT, OrgType.MARKET)
AREA_TYPES = (
    OrgType.REGIONAL_FEDERATION,
    OrgType.COMMUNITY_FEDERATION,
    OrgType.MARKET,
    OrgType.JOINT,
)


@dataclass
class Proposal:
    union: Organization
    reason: str  # "employer" | "industry" | "regional"


def _open_unions():
    closed = UnionJoinPolicy.objects.filter(accepts_joins=False).values("union_id")
    return Organization.objects.active().exclude(pk__in=closed)


def _employer_unions(employer_name: str):
    key = search_key(employer_name)
    if len(key) < 2:
        return []
    candidates = [key]
    for suffix in EMPLOYER_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            candidates.append(key[: -len(suffix)])
            break
    for candidate in candidates:
        found = list(
            _open_unions()
            .filter(org_type__in=HOLDING_TYPES, search_text__contains=candidate)
            .order_by("-depth", "path")[:3]
        )
        if found:
            return found
    return []


def _place_anchor(place: str) -> Organization | None:
    """The deepest union whose name best matches the words of the place."""
    key = search_key(place)
    if len(key) < 2:
        return None
    words = {key} | {w for w in rjieba.cut(key) if len(w) >= 2 and w not in PLACE_STOPWORDS}
    query = Q()
    for word in words:
        query |= Q(search_text__contains=word)
    scored = []
    # Industry unions serve one group; the place is a regional, community or grassroots union.
    places = Organization.objects.active().exclude(org_type=OrgType.INDUSTRY_FEDERATION)
    for org in places.filter(query).order_by("path")[:200]:
        score = sum(1 for word in words if word in org.search_text)
        scored.append((score, org.depth, org))
    if not scored:
        return None
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return scored[0][2]


def propose_unions(
    *, occupation_group: str, employer_name: str = "", work_place: str = ""
) -> list[Proposal]:
    """The unions a worker may join, best first: the employer's own union if it has one; the
    industry union for their group at (or above) the place they work; else the regional union
    of that place. The street or industry union is always offered too, so nobody has to join
    through their employer (不会惊动单位)."""
    proposals: list[Proposal] = []
    seen: set[int] = set()

    def add(org, reason):
        if org.pk not in seen:
            seen.add(org.pk)
            proposals.append(Proposal(org, reason))

    if employer_name:
        for org in _employer_unions(employer_name):
            add(org, "employer")
    anchor = _place_anchor(work_place) if work_place else None
    if anchor is not None and anchor.org_type in HOLDING_TYPES:
        # The place named is itself a workplace union (a project, a market): offer it.
        add(anchor, "employer")
    if anchor is not None:
        keywords = GROUP_KEYWORDS.get(occupation_group, ())
        # Look in the place's subtree first, then under each union above it.
        scopes = [anchor.path, *reversed(anchor.ancestor_paths())]
        for path in scopes:
            if not keywords:
                break
            keyword_q = Q()
            for word in keywords:
                keyword_q |= Q(search_text__contains=word)
            industry = list(
                _open_unions()
                .filter(path__subtree_of=path, org_type=OrgType.INDUSTRY_FEDERATION)
                .filter(keyword_q)
                .order_by("-depth", "path")[:2]
            )
            if industry:
                for org in industry:
                    add(org, "industry")
                break
        open_ids = set(_open_unions().filter(path__in=[anchor.path, *anchor.ancestor_paths()])
                       .values_list("pk", flat=True))  # fmt: skip
        node = anchor
        while node is not None:
            if node.org_type in AREA_TYPES and node.pk in open_ids and node.pk not in seen:
                add(node, "regional")
                break
            node = node.parent
        if not any(p.reason != "employer" for p in proposals):
            # No area union at the place: the nearest street or county union holds members.
            node = anchor
            while node is not None:
                if node.level in (OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.COUNTY) and (
                    node.pk in open_ids and node.pk not in seen
                ):
                    add(node, "regional")
                    break
                node = node.parent
    return proposals[:5]


# ---- E-card verification -----------------------------------------------------------------------


@dataclass
class CardCheck:
    result: str  # valid | expired | revoked | forged
    member: Member | None = None


def card_check(token: str, *, now: float | None = None) -> CardCheck:
    claims = crypto.card_claims(token)
    if claims is None:
        return CardCheck("forged")
    member = Member.objects.select_related("union").filter(pk=claims.member_id).first()
    if member is None:
        return CardCheck("forged")
    if member.status != MemberStatus.ACTIVE or claims.version != member.card_version:
        return CardCheck("revoked", member)
    if claims.expires_at < (now if now is not None else time.time()):
        return CardCheck("expired", member)
    return CardCheck("valid", member)


def pending_transfers_for(*, member: Member):
    return member.transfers.filter(status=TransferStatus.PENDING)
