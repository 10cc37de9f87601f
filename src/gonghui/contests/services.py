"""Every write of the contests app. Each takes ``actor=``, checks scope, validates, writes, and
records an audit row in the same transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.audit import actor_fk
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.core.writing import check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.core.writing import reject_unknown as _unknown
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .choices import CRAFTSMAN_NEXT, CraftsmanStatus
from .models import Contest, ContestEntry, ContestRound, ContestScore, Craftsman, CraftsmanStudio

CONTEST_FIELDS = (
    "name",
    "trade",
    "starts_on",
    "ends_on",
    "score_min",
    "score_max",
    "metric_name",
    "metric_unit",
)


def _clean_contest(contest: Contest) -> None:
    if (
        contest.score_min is not None
        and contest.score_max is not None
        and Decimal(contest.score_max) <= Decimal(contest.score_min)
    ):
        raise ValidationError({"score_max": _("最高分必须大于最低分。")})
    if contest.starts_on and contest.ends_on and contest.ends_on < contest.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    contest.metric_name = (contest.metric_name or "").strip()
    contest.metric_unit = (contest.metric_unit or "").strip()
    if contest.metric_unit and not contest.metric_name:
        raise ValidationError({"metric_name": _("填写了指标单位，请同时填写成果指标名称。")})
    _full_clean(contest)


@transaction.atomic
def contest_create(*, actor, org: Organization, rounds=(), **fields) -> Contest:
    _unknown(fields, CONTEST_FIELDS)
    check_org(actor, org)
    contest = Contest(org=org, **fields)
    _clean_contest(contest)
    contest.save()
    _record(actor, AuditAction.CREATE, contest, org.path, {})
    for position, name in enumerate(rounds, start=1):
        contest_round_add(actor=actor, contest=contest, name=name, position=position)
    return contest


@transaction.atomic
def contest_round_add(
    *, actor, contest: Contest, name: str, position: int | None = None
) -> ContestRound:
    """A round; without a position it comes after the contest's last one."""
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    name = (name or "").strip()
    if position is None:
        last = contest.rounds.aggregate(last=Max("position"))["last"]
        position = (last or 0) + 1
    if ContestRound.objects.filter(contest=contest, name=name).exists():
        raise ValidationError({"name": _("本竞赛已有同名轮次。")})
    contest_round = ContestRound(contest=contest, name=name, position=position)
    _full_clean(contest_round)
    contest_round.save()
    _record(actor, AuditAction.CREATE, contest_round, contest.org.path, {})
    return contest_round


@transaction.atomic
def contest_entry_add(
    *, actor, contest: Contest, member: Member | None = None, name: str = "", employer: str = ""
) -> ContestEntry:
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    if member is not None:
        if ContestEntry.objects.filter(contest=contest, member=member).exists():
            raise ValidationError({"member_id": _("该会员已报名本竞赛。")})
        name = name or member.name
        employer = employer or member.employer_name
    entry = ContestEntry(
        contest=contest, member=member, name=(name or "").strip(), employer=employer
    )
    _full_clean(entry)
    entry.save()
    _record(actor, AuditAction.CREATE, entry, contest.org.path, {})
    return entry


@transaction.atomic
def contest_entries_import(*, actor, contest: Contest, rows: list[tuple[str, str]]) -> int:
    """Many entries at once (a contest's sign-up sheet): one INSERT batch and one audit row."""
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    entries = [
        ContestEntry(contest=contest, name=name[:60], employer=employer[:200])
        for name, employer in rows
        if name
    ]
    ContestEntry.objects.bulk_create(entries, batch_size=2000)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=contest,
        org_path=contest.org.path,
        changes={"entries_imported": [0, len(entries)]},
    )
    return len(entries)


@transaction.atomic
def score_record(
    *, actor, contest_round: ContestRound, entry: ContestEntry, score: Decimal
) -> ContestScore:
    contest = contest_round.contest
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    if entry.contest_id != contest.pk:
        raise ValidationError({"entry_id": _("该报名不属于本竞赛。")})
    score = Decimal(str(score))
    if not contest.score_min <= score <= contest.score_max:
        raise ValidationError(
            {
                "score": _("成绩必须在%(low)s到%(high)s之间。")
                % {"low": contest.score_min, "high": contest.score_max}
            }
        )
    existing = ContestScore.objects.filter(round=contest_round, entry=entry).first()
    before = audit.snapshot(existing) if existing else {}
    row = existing or ContestScore(round=contest_round, entry=entry)
    row.score = score
    row.judge = actor_fk(actor)
    _full_clean(row)
    row.save()
    _record(
        actor, AuditAction.UPDATE if existing else AuditAction.CREATE, row, contest.org.path, before
    )
    return row


@transaction.atomic
def entry_metric_record(*, actor, entry: ContestEntry, value: Decimal) -> ContestEntry:
    """The entry's result on the contest's metric (e.g. sales in 元), shown beside its score."""
    contest = entry.contest
    require_in_scope(actor, contest.org.path, Action.CHANGE)
    if not contest.metric_name:
        raise ValidationError({"value": _("本竞赛没有设置成果指标。")})
    value = Decimal(str(value))
    if value < 0:
        raise ValidationError({"value": _("指标值不能为负数。")})
    entry = ContestEntry.objects.select_for_update().get(pk=entry.pk)
    before = audit.snapshot(entry)
    entry.metric_value = value
    _full_clean(entry)
    entry.save()
    _record(actor, AuditAction.UPDATE, entry, contest.org.path, before)
    return entry


CRAFTSMAN_FIELDS = ("name", "employer", "trade", "title", "year", "member")


@transaction.atomic
def craftsman_nominate(*, actor, org: Organization, **fields) -> Craftsman:
    _unknown(fields, CRAFTSMAN_FIELDS)
    check_org(actor, org)
    craftsman = Craftsman(org=org, status=CraftsmanStatus.NOMINATED, **fields)
    _full_clean(craftsman)
    craftsman.save()
    _record(actor, AuditAction.CREATE, craftsman, org.path, {})
    return craftsman


@transaction.atomic
def craftsman_advance(
    *,
    actor,
    craftsman: Craftsman,
    notice_ends_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Craftsman:
    """Move to the next step: nomination > review > public notice (with its end date) > award.
    The award waits until the public notice period is over."""
    require_in_scope(actor, craftsman.org.path, Action.CHANGE)
    craftsman = Craftsman.objects.select_for_update().get(pk=craftsman.pk)
    today = today or timezone.localdate()
    following = CRAFTSMAN_NEXT.get(craftsman.status)
    if following is None:
        raise ValidationError({"status": _("该候选人的评选已结束。")})
    before = audit.snapshot(craftsman)
    if following == CraftsmanStatus.NOTICE:
        if notice_ends_on is None or notice_ends_on <= today:
            raise ValidationError({"notice_ends_on": _("请填写今天之后的公示截止日期。")})
        craftsman.notice_ends_on = notice_ends_on
    if following == CraftsmanStatus.AWARDED:
        if craftsman.notice_ends_on and today <= craftsman.notice_ends_on:
            raise ValidationError({"status": _("公示期尚未结束，不能命名。")})
        craftsman.awarded_on = today
    craftsman.status = following
    craftsman.save()
    _record(actor, AuditAction.UPDATE, craftsman, craftsman.org.path, before)
    return craftsman


@transaction.atomic
def craftsman_reject(*, actor, craftsman: Craftsman) -> Craftsman:
    require_in_scope(actor, craftsman.org.path, Action.CHANGE)
    craftsman = Craftsman.objects.select_for_update().get(pk=craftsman.pk)
    if craftsman.status in (CraftsmanStatus.AWARDED, CraftsmanStatus.REJECTED):
        raise ValidationError({"status": _("该候选人的评选已结束。")})
    before = audit.snapshot(craftsman)
    craftsman.status = CraftsmanStatus.REJECTED
    craftsman.save()
    _record(actor, AuditAction.UPDATE, craftsman, craftsman.org.path, before)
    return craftsman


STUDIO_FIELDS = ("name", "established_on", "leader", "leader_name", "enterprise_name")


def _save_studio(actor, studio: CraftsmanStudio, before: dict) -> CraftsmanStudio:
    """Validate and save a new or changed studio, with its audit row."""
    leader = studio.leader
    if leader is not None and not scope_for(actor, Action.VIEW).covers(leader.org.path):
        raise ValidationError({"leader_id": _("工匠不存在或不在您的管辖范围内。")})
    studio.name = (studio.name or "").strip()
    same_name = CraftsmanStudio.objects.filter(org=studio.org, name=studio.name)
    if same_name.exclude(pk=studio.pk).exists():
        raise ValidationError({"name": _("已有同名工作室。")})
    studio.leader_name = studio.leader_name or (leader.name if leader else "")
    studio.enterprise_name = studio.enterprise_name or (leader.employer if leader else "")
    _full_clean(studio)
    action = AuditAction.UPDATE if studio.pk else AuditAction.CREATE
    studio.save()
    _record(actor, action, studio, studio.org.path, before)
    return studio


@transaction.atomic
def studio_create(*, actor, org: Organization, **fields) -> CraftsmanStudio:
    _unknown(fields, STUDIO_FIELDS)
    check_org(actor, org)
    return _save_studio(actor, CraftsmanStudio(org=org, **fields), {})


@transaction.atomic
def studio_update(*, actor, studio: CraftsmanStudio, **fields) -> CraftsmanStudio:
    _unknown(fields, STUDIO_FIELDS)
    require_in_scope(actor, studio.org.path, Action.CHANGE)
    studio = CraftsmanStudio.objects.select_for_update().select_related("org").get(pk=studio.pk)
    before = audit.snapshot(studio)
    for name, value in fields.items():
        setattr(studio, name, value)
    return _save_studio(actor, studio, before)
