"""Every write of the governance app: committees and terms, 对口联系, the 六强 evaluation. Each
takes ``actor=``, checks scope, validates field by field, writes and audits in one transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope
from gonghui.core.writing import check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.organizations.choices import OrgLevel

from .choices import REMINDER_MONTHS, TERM_YEARS, EvaluationStatus, Measure, SeatRole
from .models import (
    Committee,
    Department,
    Election,
    Evaluation,
    Indicator,
    IndicatorScore,
    Pairing,
    Seat,
    TermReminder,
)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- Committees and terms -------------------------------------------------------------------


@transaction.atomic
def committee_elect(
    *,
    actor,
    org,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    held_on: datetime.date,
    delegates: int,
    attended: int,
    votes_cast: int,
    note: str = "",
) -> Committee:
    """A new committee takes office after its election (换届): the next term number, a five-year
    term unless given, and the election record."""
    check_org(actor, org, "org")
    ends_on = ends_on or add_years(starts_on, TERM_YEARS)
    errors = {}
    if ends_on <= starts_on:
        errors["ends_on"] = [_("任期届满日期必须晚于任期开始日期。")]
    if held_on > starts_on:
        errors["held_on"] = [_("选举日期不能晚于任期开始日期。")]
    if attended > delegates:
        errors["attended"] = [_("实到人数不能多于应到人数。")]
    if votes_cast > attended:
        errors["votes_cast"] = [_("投票数不能多于实到人数。")]
    previous = Committee.objects.filter(org=org).order_by("-starts_on").first()
    if previous is not None and starts_on <= previous.starts_on:
        errors["starts_on"] = [_("新一届委员会的任期开始日期必须晚于上一届。")]
    if errors:
        raise ValidationError(errors)
    committee = Committee(
        org=org,
        term_number=(previous.term_number + 1) if previous else 1,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _full_clean(committee)
    committee.save()
    election = Election(
        committee=committee,
        held_on=held_on,
        delegates=delegates,
        attended=attended,
        votes_cast=votes_cast,
        note=note,
    )
    _full_clean(election)
    election.save()
    if previous is not None and previous.ends_on >= starts_on:
        before = _snapshot(previous)
        previous.ends_on = starts_on - datetime.timedelta(days=1)
        if previous.ends_on > previous.starts_on:
            previous.save(update_fields=["ends_on", "updated_at"])
            _record(actor, AuditAction.UPDATE, previous, org.path, before)
        # The outgoing committee's people leave office when the new one takes it.
    if previous is not None:
        Seat.objects.filter(committee=previous, ends_on__isnull=True).update(
            ends_on=max(previous.starts_on, starts_on - datetime.timedelta(days=1))
        )
    _record(actor, AuditAction.CREATE, committee, org.path, {})
    _record(actor, AuditAction.CREATE, election, org.path, {})
    return committee


def _snapshot(instance):
    from gonghui.core import audit

    return audit.snapshot(instance)


@transaction.atomic
def committee_update(
    *, actor, committee: Committee, starts_on: datetime.date, ends_on: datetime.date
) -> Committee:
    require_in_scope(actor, committee.org.path, Action.CHANGE)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": [_("任期届满日期必须晚于任期开始日期。")]})
    before = _snapshot(committee)
    committee.starts_on, committee.ends_on = starts_on, ends_on
    _full_clean(committee)
    committee.save()
    _record(actor, AuditAction.UPDATE, committee, committee.org.path, before)
    return committee


def _overlaps(starts_on, ends_on):
    """Seats whose dates overlap [starts_on, ends_on] (an open end runs on)."""
    condition = Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    if ends_on is not None:
        condition &= Q(starts_on__lte=ends_on)
    return condition


@transaction.atomic
def seat_add(
    *,
    actor,
    committee: Committee,
    role: str,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    member=None,
) -> Seat:
    """A person takes a role on a committee; one chair at a time per union."""
    require_in_scope(actor, committee.org.path, Action.CHANGE)
    name = (name or "").strip()
    errors = {}
    if member is not None:
        if not _member_visible(actor, member):
            errors["member"] = [_("会员档案不存在或不在您的管辖范围内。")]
        name = name or member.name
    if not name:
        errors["name"] = [_("请填写姓名。")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("离任日期不能早于任职日期。")]
    if starts_on < committee.starts_on or starts_on > committee.ends_on:
        errors["starts_on"] = [_("任职日期必须在这一届委员会的任期之内。")]
    if errors:
        raise ValidationError(errors)
    if role == SeatRole.CHAIR:
        clash = (
            Seat.objects.select_for_update()
            .filter(committee__org=committee.org, role=SeatRole.CHAIR)
            .filter(_overlaps(starts_on, ends_on))
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {"role": [_("同一时间只能有一位主席：%(name)s 在任。") % {"name": clash.name}]}
            )
    seat = Seat(
        committee=committee,
        role=role,
        name=name,
        member=member,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _full_clean(seat)
    seat.save()
    _record(actor, AuditAction.CREATE, seat, committee.org.path, {})
    return seat


def _member_visible(actor, member) -> bool:
    from gonghui.core.scoping import scope_for

    return scope_for(actor, Action.VIEW).covers(member.union.path)


@transaction.atomic
def seat_end(*, actor, seat: Seat, ends_on: datetime.date) -> Seat:
    require_in_scope(actor, seat.committee.org.path, Action.CHANGE)
    if ends_on < seat.starts_on:
        raise ValidationError({"ends_on": [_("离任日期不能早于任职日期。")]})
    before = _snapshot(seat)
    seat.ends_on = ends_on
    seat.save(update_fields=["ends_on", "updated_at"])
    _record(actor, AuditAction.UPDATE, seat, seat.committee.org.path, before)
    return seat


def term_reminders_raise(*, today: datetime.date | None = None) -> int:
    """Raise the 6- and 1-month 换届 reminders that fell due (run daily by the task); each is
    raised once per committee. Returns how many were raised."""
    from .selectors import current_committees

    today = today or timezone.localdate()
    raised = 0
    for months in REMINDER_MONTHS:
        due = current_committees(Committee.objects.all()).filter(
            ends_on__gte=today, ends_on__lte=add_months(today, months)
        )
        for committee in due.exclude(reminders__months_before=months):
            TermReminder.objects.create(committee=committee, months_before=months)
            raised += 1
    return raised


# --- 对口联系 ---------------------------------------------------------------------------------


def _require_province(actor, province, field="province"):
    check_org(actor, province, field)
    if province.level != OrgLevel.PROVINCE:
        raise ValidationError({field: [_("只有省级工会可以管理这一项。")]})


@transaction.atomic
def department_create(*, actor, province, name: str) -> Department:
    _require_province(actor, province)
    department = Department(province=province, name=(name or "").strip())
    _full_clean(department)
    department.save()
    _record(actor, AuditAction.CREATE, department, province.path, {})
    return department


@transaction.atomic
def pairing_set(*, actor, county, department: Department, since: datetime.date) -> Pairing:
    """Pair a county union with a department of its own province (replacing any pairing)."""
    check_org(actor, county, "county")
    require_in_scope(actor, department.province.path, Action.CHANGE)
    if county.level != OrgLevel.COUNTY:
        raise ValidationError({"county": [_("只有县级工会参与对口联系。")]})
    if not county.path.startswith(department.province.path):
        raise ValidationError({"department": [_("只能与本省的省直部门结对。")]})
    pairing = Pairing.objects.select_for_update().filter(county=county).first()
    before = _snapshot(pairing) if pairing else {}
    if pairing is None:
        pairing = Pairing(county=county)
    pairing.department, pairing.since = department, since
    _full_clean(pairing)
    pairing.save()
    _record(
        actor, AuditAction.UPDATE if before else AuditAction.CREATE, pairing, county.path, before
    )
    return pairing


# --- 六强 evaluation --------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    actor,
    province,
    year: int,
    dimension: str,
    name: str,
    measure: str,
    weight: Decimal,
    target: Decimal | None = None,
    order: int = 0,
) -> Indicator:
    _require_province(actor, province)
    if measure != Measure.EVIDENCE and target in (None, 0):
        raise ValidationError({"target": [_("由数据测量的指标必须设定大于0的目标值。")]})
    indicator = Indicator(
        province=province,
        year=year,
        dimension=dimension,
        name=(name or "").strip(),
        measure=measure,
        weight=weight,
        target=target,
        order=order,
    )
    _full_clean(indicator)
    if Evaluation.objects.filter(
        county__path__startswith=province.path,
        year=year,
        status=EvaluationStatus.SIGNED_OFF,
    ).exists():
        raise ValidationError({"year": [_("该年度已有评估经省级审定，不能再增加指标。")]})
    indicator.save()
    _record(actor, AuditAction.CREATE, indicator, province.path, {})
    return indicator


def _province_of(county):
    from gonghui.organizations.models import Organization

    return (
        Organization.objects.filter(path__in=county.ancestor_paths(), level=OrgLevel.PROVINCE)
        .order_by("-depth")
        .first()
    )


def _lock_open(evaluation: Evaluation) -> Evaluation:
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status == EvaluationStatus.SIGNED_OFF:
        raise ValidationError({"status": [_("省级已审定，评估不能再修改。")]})
    return evaluation


@transaction.atomic
def evaluation_open(*, actor, county, year: int) -> Evaluation:
    """Open a county union's 六强 evaluation for a year: one row per indicator its province set,
    the data-driven ones measured at once."""
    check_org(actor, county, "county")
    if county.level != OrgLevel.COUNTY:
        raise ValidationError({"county": [_("六强评估只针对县级工会。")]})
    if Evaluation.objects.filter(county=county, year=year).exists():
        raise ValidationError({"year": [_("该县级工会这一年度的评估已经存在。")]})
    province = _province_of(county)
    indicators = list(Indicator.objects.filter(province=province, year=year))
    if not indicators:
        raise ValidationError({"year": [_("省级工会尚未设置这一年度的六强指标。")]})
    evaluation = Evaluation(county=county, year=year)
    _full_clean(evaluation)
    evaluation.save()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(evaluation=evaluation, indicator=indicator) for indicator in indicators
    )
    _measure(evaluation)
    _record(actor, AuditAction.CREATE, evaluation, county.path, {})
    return evaluation


def _measure(evaluation: Evaluation) -> None:
    from . import measures

    figures = measures.county_figures(evaluation.county, evaluation.year)
    for score in evaluation.scores.select_related("indicator"):
        indicator = score.indicator
        if not indicator.is_data_driven:
            continue
        value = figures.get(indicator.measure)
        score.measured = None if value is None else Decimal(value).quantize(Decimal("0.01"))
        score.self_score = measures.score_for(indicator, score.measured)
        score.save(update_fields=["measured", "self_score", "updated_at"])
    _total(evaluation)


def _total(evaluation: Evaluation) -> None:
    total = sum((s.final or Decimal(0)) for s in evaluation.scores.all())
    Evaluation.objects.filter(pk=evaluation.pk).update(total=total)
    evaluation.total = total


@transaction.atomic
def evaluation_remeasure(*, actor, evaluation: Evaluation) -> Evaluation:
    require_in_scope(actor, evaluation.county.path, Action.CHANGE)
    evaluation = _lock_open(evaluation)
    if evaluation.status != EvaluationStatus.DRAFT:
        raise ValidationError({"status": [_("只有自评阶段可以重新测量。")]})
    _measure(evaluation)
    return evaluation


STAGE_FIELD = {
    EvaluationStatus.DRAFT: "self_score",
    EvaluationStatus.SELF_SUBMITTED: "city_score",
    EvaluationStatus.CITY_REVIEWED: "province_score",
}
STAGE_LEVEL = {
    EvaluationStatus.DRAFT: OrgLevel.COUNTY,
    EvaluationStatus.SELF_SUBMITTED: OrgLevel.CITY,
    EvaluationStatus.CITY_REVIEWED: OrgLevel.PROVINCE,
}


def stage_actor_check(actor, evaluation: Evaluation) -> None:
    """Each stage is scored by its own level: the county, then its city, then its province."""
    from gonghui.core.scoping import scope_for

    require_in_scope(actor, evaluation.county.path, Action.CHANGE)
    scope = scope_for(actor, Action.CHANGE)
    if scope.everything:
        return
    level = STAGE_LEVEL[evaluation.status]
    chain = [*evaluation.county.ancestors(), evaluation.county]
    reviewer = next((org for org in chain if org.level == level), None)
    if reviewer is None or not scope.covers(reviewer.path):
        raise ValidationError({"status": [_("这一阶段由上级工会评分。")]})


@transaction.atomic
def score_set(
    *,
    actor,
    score: IndicatorScore,
    value: Decimal,
    evidence=None,
    evidence_note: str | None = None,
) -> IndicatorScore:
    """The current stage's score of one indicator, within 0 and the indicator's weight."""
    evaluation = _lock_open(score.evaluation)
    stage_actor_check(actor, evaluation)
    weight = score.indicator.weight
    if value is None or value < 0 or value > weight:
        raise ValidationError({"value": [_("得分必须在0到%(weight)s之间。") % {"weight": weight}]})
    if evidence is not None:
        _check_evidence(evidence)
    before = _snapshot(score)
    setattr(score, STAGE_FIELD[evaluation.status], value)
    if evidence is not None:
        score.evidence = evidence
    if evidence_note is not None:
        score.evidence_note = evidence_note.strip()
    _full_clean(score)
    score.save()
    _total(evaluation)
    _record(actor, AuditAction.UPDATE, score, evaluation.county.path, before)
    return score


EVIDENCE_EXTENSIONS = {"pdf", "jpg", "jpeg", "png"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _check_evidence(upload) -> None:
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence": [_("佐证材料只能是PDF或JPG、PNG图片。")]})
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": [_("佐证材料不能超过10MB。")]})


NEXT_STATUS = {
    EvaluationStatus.DRAFT: (EvaluationStatus.SELF_SUBMITTED, "self_comment"),
    EvaluationStatus.SELF_SUBMITTED: (EvaluationStatus.CITY_REVIEWED, "city_comment"),
    EvaluationStatus.CITY_REVIEWED: (EvaluationStatus.SIGNED_OFF, "province_comment"),
}


@transaction.atomic
def evaluation_advance(*, actor, evaluation: Evaluation, comment: str = "") -> Evaluation:
    """Submit the self-assessment, pass the city review, or sign off (province), with comments."""
    evaluation = _lock_open(evaluation)
    stage_actor_check(actor, evaluation)
    if evaluation.status == EvaluationStatus.DRAFT:
        missing = evaluation.scores.filter(self_score__isnull=True).count()
        if missing:
            raise ValidationError({"status": [_("还有%(n)s项指标没有自评分。") % {"n": missing}]})
    before = _snapshot(evaluation)
    status, comment_field = NEXT_STATUS[evaluation.status]
    setattr(evaluation, comment_field, (comment or "").strip())
    evaluation.status = status
    _full_clean(evaluation)
    evaluation.save()
    _total(evaluation)
    _record(actor, AuditAction.UPDATE, evaluation, evaluation.county.path, before)
    return evaluation
