"""Reads: scoped member lists, one member, history, transfers, union proposals, card checks."""

from __future__ import annotations

import datetime
import math
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlparse

import rjieba
from django.db.models import Count, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from gonghui.core.geometry import haversine_m
from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.core.text import search_key
from gonghui.core.validators import id_card_check_char
from gonghui.organizations.choices import OrgLevel, OrgType
from gonghui.organizations.models import Organization

from . import crypto
from .choices import GROUP_KEYWORDS, HOLDING_STATUSES, MemberStatus, TransferStatus
from .models import Member, MemberEvent, TransferRequest, UnionJoinPolicy

# 会员编号: the 6-digit region code of the first union and a 10-digit national serial.
MEMBER_NUMBER_LENGTH = 16


def member_list(
    *,
    user,
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
            elif len(text) == MEMBER_NUMBER_LENGTH:
                match = Q(member_number=text)
            elif len(text) == 4:
                # Indexed columns: an equality probe each, not a LIKE '%1234' scan.
                match = Q(id_last4=text) | Q(phone_last4=text)
            elif len(text) < 4:
                match = Q(id_last4__endswith=text) | Q(phone_last4__endswith=text)
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


def own_member(*, user) -> Member | None:
    """The signed-in worker's own record."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("union").filter(account=user).first()


def holding_member_count(*, union: Organization) -> int:
    """Members of this one union (not its subtree) who hold their membership there."""
    return Member.objects.filter(union=union, status__in=HOLDING_STATUSES).count()


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
        if scope.is_empty:
            return transfers.none()
        incoming = scope.q("to_union__path")
        outgoing = scope.q("from_union__path")
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
# The national hotline of the trade unions: where a worker with no union nearby is sent.
UNION_HOTLINE = "12351"
# How far a union outside the worker's county may be and still be offered (never pre-selected).
NEARBY_KM = 50


@dataclass
class Proposal:
    union: Organization
    reason: str  # "employer" | "industry" | "regional" | "nearby"
    # In the worker's own county (or the employer they named): only such a union is pre-selected.
    local: bool = True
    distance_km: float | None = None


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
    """The union whose name best matches the place: found by the place's words, ranked by the
    longest stretch of the place's text it contains, then places before workplaces, then the
    shortest name, then the deepest."""
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
        # The longest run of the place's text in the union's name: 郾城区康养产业园 is the
        # 康养产业园 project rather than anything else in 郾城区.
        match = SequenceMatcher(None, key, org.search_text, autojunk=False).find_longest_match()
        # On an equal run, a place (street, county) before a workplace union that merely
        # carries the place's name (连云区 is the county, not 连云区社会组织联合工会).
        # Then the name that is most nearly just the place (郾城区 is 郾城区总工会, not
        # 郾城区城关镇工会), then the deepest.
        is_place = org.org_type not in HOLDING_TYPES
        scored.append((match.size, is_place, -len(org.search_text), org.depth, org))
    if not scored:
        return None
    scored.sort(key=lambda item: item[:4], reverse=True)
    return scored[0][4]


def _county_of(anchor: Organization) -> Organization | None:
    """The county-level union at or above the anchor (None when the place named is a city or
    province: then the worker's county is not known)."""
    chain = [*anchor.ancestors(), anchor]
    counties = [org for org in chain if org.level == OrgLevel.COUNTY]
    return counties[-1] if counties else None


def _position(org: Organization, known: dict[str, tuple[float, float]]):
    """The org's coordinates, or those of the nearest union above it that has them."""
    if org.latitude is not None and org.longitude is not None:
        return float(org.latitude), float(org.longitude)
    for path in reversed(org.ancestor_paths()):
        if path in known:
            return known[path]
    return None


def _coordinates_of(orgs) -> dict[str, tuple[float, float]]:
    paths = {path for org in orgs for path in org.ancestor_paths()}
    rows = Organization.objects.filter(path__in=paths, latitude__isnull=False).values_list(
        "path", "latitude", "longitude"
    )
    return {path: (float(lat), float(lon)) for path, lat, lon in rows}


def _by_distance(orgs, origin) -> list[tuple[Organization, float | None]]:
    """Nearest first when the worker's position is known (then deeper, i.e. closer to the
    street); unions without any coordinates after those with them."""
    orgs = list(orgs)
    known = _coordinates_of(orgs)
    ranked = []
    for org in orgs:
        where = _position(org, known)
        km = None
        if origin is not None and where is not None:
            km = haversine_m(origin[0], origin[1], where[0], where[1]) / 1000
        ranked.append((km if km is not None else math.inf, -org.depth, org.path, org, km))
    ranked.sort(key=lambda item: item[:3])
    return [(item[3], item[4]) for item in ranked]


def _group_match(occupation_group: str) -> Q | None:
    keywords = GROUP_KEYWORDS.get(occupation_group, ())
    if not keywords:
        return None
    query = Q()
    for word in keywords:
        query |= Q(search_text__contains=word)
    return query


def propose_unions(
    *,
    occupation_group: str,
    employer_name: str = "",
    work_place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> list[Proposal]:
    """The unions a worker may join, best first, all in the worker's own place.

    The place is the union that best matches ``work_place``; its county bounds the search (the
    region code), and distance orders what is inside it. In order: the employer's own union; the
    industry union for the worker's group in the county; the regional (street, community) union
    of the place, else the county union itself. These are ``local`` and the first is
    pre-selected. A union outside the county is never ``local``: a city-wide industry union, or,
    when the county has nothing open, the nearest regional union within ``NEARBY_KM``. With
    nothing at all, the list is empty and the worker is sent to the 12351 hotline
    (:data:`UNION_HOTLINE`). The street or industry union is always offered beside the employer's,
    so nobody has to join through their employer (不会惊动单位)."""
    proposals: list[Proposal] = []
    seen: set[int] = set()

    def add(org, reason, *, local=True, km=None):
        if org.pk not in seen:
            seen.add(org.pk)
            proposals.append(Proposal(org, reason, local, None if km is None else round(km, 1)))

    anchor = _place_anchor(work_place) if work_place else None
    county = _county_of(anchor) if anchor is not None else None
    origin = (latitude, longitude) if latitude is not None and longitude is not None else None
    if origin is None and anchor is not None:
        origin = _position(anchor, _coordinates_of([anchor]))

    if employer_name:
        for org in _employer_unions(employer_name):
            # Named without a place, the employer says where the worker is.
            inside = anchor is None or (county is not None and org.path.startswith(county.path))
            add(org, "employer", local=inside)
    if anchor is not None and anchor.org_type in HOLDING_TYPES:
        # The place named is itself a workplace union (a project, a market): offer it.
        add(anchor, "employer", local=county is not None)
    if county is not None:
        open_unions = _open_unions()
        group = _group_match(occupation_group)
        if group is not None:
            industry = open_unions.filter(
                path__subtree_of=county.path, org_type=OrgType.INDUSTRY_FEDERATION
            ).filter(group)
            for org, km in _by_distance(industry, origin)[:2]:
                add(org, "industry", km=km)
        # The area union of the place: the nearest one above the anchor, inside the county.
        chain = [org for org in [*anchor.ancestors(), anchor] if org.depth >= county.depth]
        chain_ids = [o.pk for o in chain]
        open_ids = set(open_unions.filter(pk__in=chain_ids).values_list("pk", flat=True))
        area = [o for o in reversed(chain) if o.org_type in AREA_TYPES and o.pk in open_ids]
        if area:
            add(area[0], "regional")
        else:
            # The place is the county itself (or has no area union): the county's street and
            # community unions, nearest first, then the county union, which holds members too.
            streets = open_unions.filter(
                path__subtree_of=county.path,
                org_type__in=(OrgType.REGIONAL_FEDERATION, OrgType.COMMUNITY_FEDERATION),
            )
            for org, km in _by_distance(streets, origin)[:2]:
                add(org, "regional", km=km)
            if county.pk in open_ids:
                add(county, "regional")
        if group is not None:
            # An industry union for the whole city (beside the counties): offered, not chosen.
            city = county.parent
            if city is not None:
                citywide = open_unions.filter(
                    path__subtree_of=city.path,
                    depth__lte=county.depth,
                    org_type=OrgType.INDUSTRY_FEDERATION,
                ).filter(group)
                for org, km in _by_distance(citywide, origin)[:1]:
                    add(org, "industry", local=False, km=km)
    if not any(p.local for p in proposals) and origin is not None:
        _add_nearby(add, origin, anchor)
    # The worker's own county first (a stable sort keeps the order within each part).
    proposals.sort(key=lambda p: not p.local)
    return proposals[:5]


def _add_nearby(add, origin, anchor) -> None:
    """The nearest open regional unions within NEARBY_KM: same city first (region code), then
    the province, then anywhere with coordinates."""
    kinds = Q(org_type__in=AREA_TYPES) | Q(org_type=OrgType.FEDERATION, level=OrgLevel.COUNTY)
    candidates = _open_unions().filter(kinds)
    prefixes = []
    if anchor is not None and anchor.region_code:
        prefixes = [anchor.region_code[:4], anchor.region_code[:2]]
    for prefix in [*prefixes, ""]:
        scope = candidates.filter(region_code__startswith=prefix) if prefix else candidates
        if not prefix:
            scope = scope.filter(latitude__isnull=False)
        ranked = _by_distance(scope[:500], origin)
        found = [(org, km) for org, km in ranked if km is not None and km <= NEARBY_KM]
        if found:
            for org, km in found[:2]:
                add(org, "nearby", local=False, km=km)
            return


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


def token_from_scan(text: str) -> str:
    """The card token in what a scanner or a hand typed: the token itself, or the card's
    verification URL (``…/verify/<token>``) that the QR encodes."""
    text = (text or "").strip()
    if "/" in text:
        path = urlparse(text).path if "://" in text else text
        text = path.rstrip("/").rsplit("/", 1)[-1]
    return text


def member_for_card(text: str):
    """(member, result) for a scanned card: result is valid | expired | revoked | forged."""
    check = card_check(token_from_scan(text))
    return check.member, check.result


# ---- Suspected duplicate records ----------------------------------------------------------------


def id_card_18(number15: str) -> str:
    """The 18-digit form of an old 15-digit ID number (born 19xx; GB 11643 check character)."""
    first17 = number15[:6] + "19" + number15[6:15]
    return first17 + id_card_check_char(first17)


def _id_18_hash(member: Member) -> str | None:
    """The lookup hash of a 15-digit record's 18-digit form, or None for an 18-digit record."""
    if len(member.id_card_masked) != 15:
        return None
    return crypto.id_hash(id_card_18(crypto.decrypt_id(member.id_card_encrypted)))


def duplicate_reasons(a: Member, b: Member) -> list[str]:
    """Why two records look like one person: the same phone, the same name and birth date, or
    an old 15-digit ID number and its 18-digit form."""
    reasons = []
    if a.phone and a.phone == b.phone:
        reasons.append(str(_("手机号码相同")))
    if a.name == b.name and a.birth_date == b.birth_date:
        reasons.append(str(_("姓名和出生日期相同")))
    if {_id_18_hash(a), _id_18_hash(b)} & {a.id_card_hash, b.id_card_hash}:
        reasons.append(str(_("15位与18位身份证号码对应")))
    return reasons


@dataclass
class DuplicatePair:
    first: Member
    second: Member
    reasons: list[str]


DUPLICATE_GROUPS = 50


def duplicate_pairs(*, user, limit: int = DUPLICATE_GROUPS) -> list[DuplicatePair]:
    """Pairs of records in the user's scope that look like one person (up to ``limit`` groups
    per rule); records already merged are left out."""
    records = (
        Member.objects.visible_to(user, Action.VIEW)
        .exclude(status=MemberStatus.MERGED)
        .select_related("union")
    )
    found: dict[tuple[int, int], DuplicatePair] = {}

    def add(group):
        group = sorted(group, key=lambda m: m.pk)
        for other in group[1:]:
            key = (group[0].pk, other.pk)
            if key not in found:
                found[key] = DuplicatePair(group[0], other, duplicate_reasons(group[0], other))

    def shared(*fields):
        return records.values(*fields).annotate(n=Count("id")).filter(n__gt=1).order_by()[:limit]

    phones = [row["phone"] for row in shared("phone")]
    by_phone: dict[str, list[Member]] = {}
    for member in records.filter(phone__in=phones):
        by_phone.setdefault(member.phone, []).append(member)
    for group in by_phone.values():
        add(group)
    people = shared("name", "birth_date")
    if people:
        match = Q()
        for row in people:
            match |= Q(name=row["name"], birth_date=row["birth_date"])
        by_person: dict[tuple, list[Member]] = {}
        for member in records.filter(match):
            by_person.setdefault((member.name, member.birth_date), []).append(member)
        for group in by_person.values():
            add(group)
    old = list(records.annotate(id_length=Length("id_card_masked")).filter(id_length=15)[:limit])
    hashes = {h: m for m in old if (h := _id_18_hash(m))}
    for member in records.filter(id_card_hash__in=list(hashes)):
        add([hashes[member.id_card_hash], member])
    return sorted(found.values(), key=lambda pair: (pair.first.pk, pair.second.pk))
