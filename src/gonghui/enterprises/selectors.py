"""Reads for the enterprises app: scoped querysets, and the coverage figures computed from the
registry for any org subtree (one aggregate query each, so a province costs what a county does)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gonghui.accounts.choices import OFFICER_ROLES
from gonghui.accounts.models import User
from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.core.text import search_key
from gonghui.organizations.models import PATH_STEP, Organization
from gonghui.organizations.selectors import org_get

from .choices import EnterpriseKind, ServiceProjectStatus
from .models import (
    CoverageRule,
    Enterprise,
    GridAssignment,
    Project,
    ServiceClaim,
    ServiceProject,
    Visit,
)

PROVINCE_PATH_LENGTH = 2 * PATH_STEP


# --- registry --------------------------------------------------------------------------------


def enterprise_list(
    *,
    user,
    q: str | None = None,
    kind: str | None = None,
    covered: bool | None = None,
    org_id: int | None = None,
    cell: str | None = None,
    min_employees: int | None = None,
):
    enterprises = Enterprise.objects.visible_to(user).select_related("street_org", "union")
    if org_id is not None:
        org = org_get(user=user, org_id=org_id)
        enterprises = enterprises.filter(street_org__path__subtree_of=org.path)
    if q:
        for word in search_key(q).split():
            enterprises = enterprises.filter(search_text__contains=word)
    if kind:
        enterprises = enterprises.filter(kind=kind)
    if covered is True:
        enterprises = enterprises.filter(covered_q())
    elif covered is False:
        enterprises = enterprises.exclude(covered_q())
    if cell:
        enterprises = enterprises.filter(h3_cell=cell)
    if min_employees is not None:
        enterprises = enterprises.filter(employees__gte=min_employees)
    return enterprises.order_by("name", "id")


def enterprise_get(*, user, enterprise_id, action: Action = Action.VIEW) -> Enterprise:
    return get_visible_or_404(
        Enterprise.objects.select_related("street_org", "union"), user, action, pk=enterprise_id
    )


def project_list(*, user, org_id: int | None = None, active: bool | None = None):
    projects = Project.objects.visible_to(user).select_related("street_org", "union")
    if org_id is not None:
        org = org_get(user=user, org_id=org_id)
        projects = projects.filter(street_org__path__subtree_of=org.path)
    if active is True:
        projects = projects.filter(ended_on__isnull=True)
    elif active is False:
        projects = projects.filter(ended_on__isnull=False)
    return projects.order_by("started_on", "id")


def project_get(*, user, project_id, action: Action = Action.VIEW) -> Project:
    return get_visible_or_404(
        Project.objects.select_related("street_org", "union"), user, action, pk=project_id
    )


# --- coverage --------------------------------------------------------------------------------


def covered_q(prefix: str = "") -> Q:
    """Covered means a union that still exists (a dissolved union covers nobody)."""
    return Q(**{f"{prefix}union__isnull": False, f"{prefix}union__dissolved_on__isnull": True})


@dataclass(frozen=True)
class Rule:
    min_workers: int
    min_months: int
    province_path: str | None = None  # None: the default for provinces without their own rule


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def rules_for(org: Organization) -> list[Rule]:
    """The rules that apply inside ``org``'s subtree: its province's (or the default), or, for
    the national level, every province's own plus the default for the rest (last)."""
    default = Rule(CoverageRule.DEFAULT_MIN_WORKERS, CoverageRule.DEFAULT_MIN_MONTHS)
    if len(org.path) >= PROVINCE_PATH_LENGTH:
        rule = CoverageRule.objects.filter(province__path=org.path[:PROVINCE_PATH_LENGTH]).first()
        if rule is None:
            return [default]
        return [Rule(rule.min_workers, rule.min_months, rule.province.path)]
    own = CoverageRule.objects.filter(province__path__subtree_of=org.path).select_related(
        "province"
    )
    return [Rule(r.min_workers, r.min_months, r.province.path) for r in own] + [default]


def _by_rule(rules: list[Rule], condition) -> Q:
    """OR over the rules of ``condition(rule)`` restricted to the rule's province."""
    combined = Q(pk__in=[])
    specific = [r.province_path for r in rules if r.province_path]
    for rule in rules:
        if rule.province_path:
            where = Q(street_org__path__subtree_of=rule.province_path)
        else:
            where = Q()
            for path in specific:
                where &= ~Q(street_org__path__subtree_of=path)
        combined |= where & condition(rule)
    return combined


def rule_size_q(rules, field: str) -> Q:
    return _by_rule(rules, lambda rule: Q(**{f"{field}__gte": rule.min_workers}))


def rule_due_q(rules, field: str, today: datetime.date, *, unknown_is_due: bool) -> Q:
    def due(rule):
        condition = Q(**{f"{field}__lte": add_months(today, -rule.min_months)})
        if unknown_is_due:
            condition |= Q(**{f"{field}__isnull": True})
        return condition

    return _by_rule(rules, due)


def rate(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


def active_members_of(enterprises) -> int:
    """Active members whose registered employer is one of ``enterprises``: counted through the
    member's employer link (the members app builds on this one, so it is not imported)."""
    member_model = Enterprise._meta.get_field("members").related_model
    return member_model.objects.active().filter(employer__in=enterprises).count()


def coverage_for(*, user, org_id: int) -> dict:
    """Formation rates for an org subtree: 25+ enterprises (by the province's rule; social
    organisations are not enterprises and are left out), small and micro firms, and the key
    social organisations; and membership coverage: active members linked to an enterprise of the
    subtree, over the enterprises' employees."""
    org = org_get(user=user, org_id=org_id)
    rules = rules_for(org)
    enterprises = Enterprise.objects.filter(street_org__path__subtree_of=org.path)
    big = rule_size_q(rules, "employees") & ~Q(kind=EnterpriseKind.SOCIAL)
    small = Q(kind=EnterpriseKind.SMALL)
    key_social = Q(kind=EnterpriseKind.SOCIAL, is_key_social_org=True)
    covered = covered_q()
    figures = enterprises.aggregate(
        enterprises=Count("id"),
        total_employees=Sum("employees"),
        big=Count("id", filter=big),
        big_covered=Count("id", filter=big & covered),
        small=Count("id", filter=small),
        small_covered=Count("id", filter=small & covered),
        key_social=Count("id", filter=key_social),
        key_social_covered=Count("id", filter=key_social & covered),
        covered=Count("id", filter=covered),
        covered_employees=Sum("employees", filter=covered),
    )
    projects = Project.objects.filter(street_org__path__subtree_of=org.path, ended_on__isnull=True)
    project_figures = projects.aggregate(
        projects=Count("id", filter=rule_size_q(rules, "workers")),
        projects_covered=Count("id", filter=rule_size_q(rules, "workers") & covered),
    )
    figures.update(project_figures)
    figures["total_employees"] = figures["total_employees"] or 0
    figures["covered_employees"] = figures["covered_employees"] or 0
    figures["members"] = active_members_of(enterprises)
    return {
        "org": org,
        "rules": rules,
        **figures,
        "big_rate": rate(figures["big_covered"], figures["big"]),
        "small_rate": rate(figures["small_covered"], figures["small"]),
        "key_social_rate": rate(figures["key_social_covered"], figures["key_social"]),
        "project_rate": rate(figures["projects_covered"], figures["projects"]),
        "member_rate": rate(figures["members"], figures["total_employees"]),
        "violators": violator_count(org=org, rules=rules),
    }


def _violating_enterprises(org, rules, today):
    return (
        Enterprise.objects.filter(street_org__path__subtree_of=org.path)
        .filter(rule_size_q(rules, "employees"))
        .filter(rule_due_q(rules, "established_on", today, unknown_is_due=True))
        .exclude(covered_q())
    )


def _violating_projects(org, rules, today):
    return (
        Project.objects.filter(street_org__path__subtree_of=org.path, ended_on__isnull=True)
        .filter(rule_size_q(rules, "workers"))
        .filter(rule_due_q(rules, "started_on", today, unknown_is_due=False))
        .exclude(covered_q())
    )


def violator_count(*, org, rules=None, today=None) -> int:
    today = today or timezone.localdate()
    rules = rules or rules_for(org)
    return _violating_enterprises(org, rules, today).count() + (
        _violating_projects(org, rules, today).count()
    )


@dataclass
class Violator:
    kind: str  # "enterprise" | "project"
    id: int
    name: str
    workers: int
    since: datetime.date | None
    street_org: str
    url: str


def violators_for(
    *, user, org_id: int, today: datetime.date | None = None, limit: int = 500
) -> list[Violator]:
    """Enterprises and projects that break the founding rule, oldest first (the longest without
    a union at the top; enterprises of unknown age count as oldest)."""
    today = today or timezone.localdate()
    org = org_get(user=user, org_id=org_id)
    rules = rules_for(org)
    found = [
        Violator("enterprise", e.pk, e.name, e.employees, e.established_on, e.street_org.name,
                 e.get_absolute_url())
        for e in _violating_enterprises(org, rules, today)
        .select_related("street_org")
        .order_by("established_on", "id")[:limit]
    ] + [
        Violator("project", p.pk, p.name, p.workers, p.started_on, p.street_org.name,
                 p.get_absolute_url())
        for p in _violating_projects(org, rules, today)
        .select_related("street_org")
        .order_by("started_on", "id")[:limit]
    ]  # fmt: skip
    found.sort(key=lambda v: (v.since is not None, v.since or datetime.date.min))
    return found[:limit]


def coverage_rule_get(*, user, province_id: int) -> dict:
    province = org_get(user=user, org_id=province_id)
    rule = CoverageRule.objects.filter(province=province).first()
    return {
        "province_id": province.pk,
        "min_workers": rule.min_workers if rule else CoverageRule.DEFAULT_MIN_WORKERS,
        "min_months": rule.min_months if rule else CoverageRule.DEFAULT_MIN_MONTHS,
        "is_default": rule is None,
    }


# --- grid ------------------------------------------------------------------------------------


def grid_cells(*, user, org_id: int) -> list[dict]:
    """Per H3 cell of the subtree: enterprises, uncovered ones and their workers, and the
    officer assigned to sweep it. Uncovered first, most workers first."""
    org = org_get(user=user, org_id=org_id)
    rows = (
        Enterprise.objects.filter(street_org__path__subtree_of=org.path)
        .exclude(h3_cell="")
        .values("h3_cell")
        .annotate(
            enterprises=Count("id"),
            uncovered=Count("id", filter=~covered_q()),
            uncovered_workers=Sum("employees", filter=~covered_q()),
        )
    )
    officers = {}
    for assignment in GridAssignment.objects.filter(org__path__subtree_of=org.path).select_related(
        "officer"
    ):
        officers.setdefault(assignment.cell, []).append(str(assignment.officer))
    cells = [
        {
            "cell": row["h3_cell"],
            "enterprises": row["enterprises"],
            "uncovered": row["uncovered"],
            "uncovered_workers": row["uncovered_workers"] or 0,
            "officers": officers.get(row["h3_cell"], []),
        }
        for row in rows
    ]
    cells.sort(key=lambda c: (-c["uncovered_workers"], -c["uncovered"], c["cell"]))
    return cells


def visit_list(*, user, enterprise: Enterprise):
    return Visit.objects.visible_to(user).filter(enterprise=enterprise)


def grid_assignment_list(*, user, org_id: int | None = None):
    assignments = GridAssignment.objects.visible_to(user).select_related("officer", "org")
    if org_id is not None:
        org = org_get(user=user, org_id=org_id)
        assignments = assignments.filter(org__path__subtree_of=org.path)
    return assignments


# --- service projects ------------------------------------------------------------------------


def service_project_list(*, user, status: str | None = None):
    projects = ServiceProject.objects.visible_to(user).select_related("publisher")
    if status:
        projects = projects.filter(status=status)
    return projects.annotate(claim_count=Count("claims")).order_by("-created_at", "-id")


def service_project_get(*, user, project_id, action: Action = Action.VIEW) -> ServiceProject:
    return get_visible_or_404(
        ServiceProject.objects.select_related("publisher"), user, action, pk=project_id
    )


def service_claim_get(*, user, claim_id, action: Action = Action.VIEW) -> ServiceClaim:
    return get_visible_or_404(
        ServiceClaim.objects.select_related("project", "social_org"), user, action, pk=claim_id
    )


def social_orgs_for(*, user, org_id: int, key_only: bool = True):
    org = org_get(user=user, org_id=org_id)
    social = Enterprise.objects.filter(
        street_org__path__subtree_of=org.path, kind=EnterpriseKind.SOCIAL
    ).select_related("union")
    if key_only:
        social = social.filter(is_key_social_org=True)
    return social.order_by("name", "id")


def follow_ups_due(*, user, org_id: int, until: datetime.date | None = None):
    """Visits that asked for another visit by ``until`` at enterprises still without a union."""
    until = until or timezone.localdate() + datetime.timedelta(days=7)
    org = org_get(user=user, org_id=org_id)
    return (
        Visit.objects.filter(
            enterprise__street_org__path__subtree_of=org.path,
            follow_up_on__isnull=False,
            follow_up_on__lte=until,
        )
        .exclude(enterprise__in=Enterprise.objects.filter(covered_q()))
        .select_related("enterprise")
        .order_by("follow_up_on", "id")
    )


def grid_officer_choices(*, user, org):
    """Officers of ``org`` or below who may sweep its cells, within the user's scope."""
    return (
        User.objects.filter(
            organization__path__subtree_of=org.path, role__in=OFFICER_ROLES, is_active=True
        )
        .filter(organization__in=Organization.objects.visible_to(user))
        .select_related("organization")
        .order_by("username")
    )


def service_projects_open_to(*, social_org: Enterprise):
    """Projects still soliciting from unions whose area the social organisation lies in (its
    area union and the unions above it)."""
    path = social_org.street_org.path
    ancestors = [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
    today = timezone.localdate()
    return (
        ServiceProject.objects.filter(
            status=ServiceProjectStatus.PUBLISHED, publisher__path__in=ancestors
        )
        .filter(Q(claim_deadline__isnull=True) | Q(claim_deadline__gte=today))
        .select_related("publisher")
        .order_by("claim_deadline", "-id")
    )


def social_org_claims(*, social_org: Enterprise):
    return social_org.service_claims.select_related("project", "project__publisher").order_by(
        "-created_at", "-id"
    )


def social_org_accounts(*, enterprise: Enterprise):
    return enterprise.accounts.select_related("user").order_by("created_at", "id")
