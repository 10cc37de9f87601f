"""Reads of the governance app; every queryset is scoped with ``visible_to``."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.models import Organization

from .choices import EvaluationStatus
from .models import (
    Committee,
    Department,
    Evaluation,
    Indicator,
    IndicatorScore,
    Pairing,
    Seat,
    TermReminder,
)


def current_committees(queryset):
    """Each union's latest committee (no later one exists for the same union)."""
    later = Committee.objects.filter(org=OuterRef("org"), starts_on__gt=OuterRef("starts_on"))
    return queryset.filter(~Exists(later))


def committee_list(*, user, org_id: int | None = None):
    committees = Committee.objects.visible_to(user).select_related("org", "election")
    if org_id is not None:
        committees = committees.filter(org_id=org_id)
    return committees.order_by("org__path", "-starts_on")


def committee_get(*, user, committee_id, action: Action = Action.VIEW) -> Committee:
    return get_visible_or_404(
        Committee.objects.select_related("org", "election"), user, action, pk=committee_id
    )


def member_by_number(*, user, number: str):
    """The member record a seat links to, by its number, among those the user may see;
    ``None`` for an empty number. An unknown or out-of-scope number is a field error."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from gonghui.members.selectors import member_list

    number = (number or "").strip()
    if not number:
        return None
    member = member_list(user=user).filter(member_number=number).first()
    if member is None:
        raise ValidationError({"member_number": [_("没有找到这个会员编号。")]})
    return member


def committee_seats(*, committee: Committee):
    return Seat.objects.filter(committee=committee).order_by("role", "starts_on", "id")


def terms_overdue(*, user, today: datetime.date | None = None):
    """Unions whose current committee's term has ended without a new one (换届 overdue), for the
    upper unions above them: most overdue first."""
    today = today or timezone.localdate()
    return (
        current_committees(Committee.objects.visible_to(user))
        .filter(ends_on__lt=today, org__dissolved_on__isnull=True)
        .select_related("org")
        .order_by("ends_on", "org__path")
    )


def terms_due_soon(*, user, today: datetime.date | None = None, months: int = 6):
    from .services import add_months

    today = today or timezone.localdate()
    return (
        current_committees(Committee.objects.visible_to(user))
        .filter(ends_on__gte=today, ends_on__lte=add_months(today, months))
        .select_related("org")
        .order_by("ends_on")
    )


def reminders_for(*, user, limit: int = 50):
    return (
        TermReminder.objects.visible_to(user)
        .select_related("committee", "committee__org")
        .order_by("-created_at")[:limit]
    )


def committees_in_term(*, org: Organization, on: datetime.date, level: str) -> tuple[int, int]:
    """(unions of ``level`` in the subtree whose current committee's term covers ``on``, all
    active unions of that level there)."""
    unions = Organization.objects.filter(
        path__subtree_of=org.path, level=level, dissolved_on__isnull=True
    )
    in_term = Committee.objects.filter(org__in=unions, starts_on__lte=on, ends_on__gte=on).values(
        "org_id"
    )
    return unions.filter(pk__in=in_term).count(), unions.count()


# --- 对口联系 ---------------------------------------------------------------------------------


def department_list(*, user, province_id: int | None = None):
    departments = Department.objects.visible_to(user).select_related("province")
    if province_id is not None:
        departments = departments.filter(province_id=province_id)
    return departments.order_by("province__path", "name")


def department_get(*, user, department_id, action: Action = Action.VIEW) -> Department:
    return get_visible_or_404(
        Department.objects.select_related("province"), user, action, pk=department_id
    )


def pairing_coverage(*, user, province: Organization) -> dict:
    """对口联系 coverage of a province: paired county unions over all of them, and the unpaired."""
    get_visible_or_404(Organization.objects.all(), user, Action.VIEW, pk=province.pk)
    counties = Organization.objects.filter(
        path__subtree_of=province.path, level=OrgLevel.COUNTY, dissolved_on__isnull=True
    )
    paired = Pairing.objects.filter(county__in=counties)
    unpaired = counties.exclude(pk__in=paired.values("county_id")).order_by("path")
    return {
        "province": province,
        "counties": counties.count(),
        "paired": paired.count(),
        "unpaired": unpaired,
        "pairings": paired.select_related("county", "department").order_by("county__path"),
    }


def provinces_for(*, user):
    scope = scope_for(user)
    provinces = Organization.objects.visible_to(user).filter(level=OrgLevel.PROVINCE)
    if not scope.everything and not provinces.exists():
        # An officer below a province sees the coverage of nothing; a province sees its own.
        return provinces
    return provinces.order_by("path")


def county_options(*, user, action: Action = Action.CHANGE):
    return (
        Organization.objects.visible_to(user, action)
        .filter(level=OrgLevel.COUNTY, dissolved_on__isnull=True)
        .order_by("path")
    )


# --- 六强 -------------------------------------------------------------------------------------


def indicator_list(*, user, province_id: int | None = None, year: int | None = None):
    indicators = Indicator.objects.visible_to(user).select_related("province")
    if province_id is not None:
        indicators = indicators.filter(province_id=province_id)
    if year is not None:
        indicators = indicators.filter(year=year)
    return indicators


def evaluation_list(*, user, year: int | None = None, status: str | None = None):
    evaluations = Evaluation.objects.visible_to(user).select_related("county")
    if year is not None:
        evaluations = evaluations.filter(year=year)
    if status:
        evaluations = evaluations.filter(status=status)
    return evaluations.order_by("-year", "-total", "county__path")


def evaluation_get(*, user, evaluation_id, action: Action = Action.VIEW) -> Evaluation:
    scores = Prefetch(
        "scores",
        queryset=IndicatorScore.objects.select_related("indicator").order_by(
            "indicator__dimension", "indicator__order", "indicator_id"
        ),
    )
    return get_visible_or_404(
        Evaluation.objects.select_related("county").prefetch_related(scores),
        user,
        action,
        pk=evaluation_id,
    )


def score_get(*, user, score_id, action: Action = Action.CHANGE) -> IndicatorScore:
    return get_visible_or_404(
        IndicatorScore.objects.select_related("evaluation", "evaluation__county", "indicator"),
        user,
        action,
        pk=score_id,
    )


def league_table(*, user, year: int, under: Organization | None = None) -> list[dict]:
    """Signed-off and in-review evaluations of a year ranked by total, with last year's total
    and the change (year-on-year). ``under`` narrows it to one province or city."""
    rows = evaluation_list(user=user, year=year)
    if under is not None:
        rows = rows.filter(county__path__subtree_of=under.path)
    rows = list(rows)
    last = dict(
        Evaluation.objects.visible_to(user)
        .filter(year=year - 1, county__in=[r.county_id for r in rows])
        .values_list("county_id", "total")
    )
    table = []
    for rank, evaluation in enumerate(rows, start=1):
        previous = last.get(evaluation.county_id)
        table.append(
            {
                "rank": rank,
                "evaluation": evaluation,
                "previous": previous,
                "change": None if previous is None else evaluation.total - previous,
                "final": evaluation.status == EvaluationStatus.SIGNED_OFF,
            }
        )
    return table
