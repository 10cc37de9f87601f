"""Labour and skills contests (rounds, entries, scores), craftsmen (工匠) and their studios."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import officer_fk, org_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import CraftsmanStatus


class Contest(TimeStampedModel):
    """A labour and skills contest (劳动和技能竞赛) with its score range."""

    org = org_fk(_("主办工会"), related_name="contests")
    name = models.CharField(_("竞赛名称"), max_length=160)
    trade = models.CharField(_("工种/项目"), max_length=80, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    score_min = models.DecimalField(_("最低分"), max_digits=7, decimal_places=2, default=0)
    score_max = models.DecimalField(_("最高分"), max_digits=7, decimal_places=2, default=100)
    # A result measured beside the score, e.g. sales in 元 for a live-stream selling contest.
    metric_name = models.CharField(_("成果指标"), max_length=40, blank=True)
    metric_unit = models.CharField(_("指标单位"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("劳动和技能竞赛")
        verbose_name_plural = _("劳动和技能竞赛")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_max__gt=models.F("score_min")), name="contest_score_range"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contest_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contests:contest-detail", args=[self.pk])


class ContestRound(models.Model):
    """A round of a contest (初赛, 复赛, 决赛)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(_("轮次名称"), max_length=60)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "contest__org__path"

    class Meta:
        verbose_name = _("竞赛轮次")
        verbose_name_plural = _("竞赛轮次")
        ordering = ["contest", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="round_name_unique")
        ]

    def __str__(self):
        return self.name


class ContestEntry(models.Model):
    """One contestant's entry (a member, or a worker named by text)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contest_entries",
    )
    name = models.CharField(_("参赛人"), max_length=60)
    employer = models.CharField(_("单位"), max_length=200, blank=True)
    metric_value = models.DecimalField(
        _("指标值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "contest__org__path"

    class Meta:
        verbose_name = _("参赛报名")
        verbose_name_plural = _("参赛报名")
        ordering = ["contest", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "member"],
                condition=Q(member__isnull=False),
                name="entry_once_per_member",
            )
        ]

    def __str__(self):
        return self.name


class ContestScore(models.Model):
    """An entry's score in one round; the contest's range bounds it."""

    round = models.ForeignKey(
        ContestRound, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="scores"
    )
    entry = models.ForeignKey(
        ContestEntry, verbose_name=_("参赛报名"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.DecimalField(_("成绩"), max_digits=7, decimal_places=2)
    judge = officer_fk(_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "round__contest__org__path"

    class Meta:
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        ordering = ["round", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="score_once_per_round")
        ]

    def __str__(self):
        return f"{self.entry_id}@{self.round_id}: {self.score}"


class Craftsman(TimeStampedModel):
    """A craftsman candidate (工匠) going through nomination > review > public notice > award."""

    org = org_fk(_("评选工会"), related_name="craftsmen")
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=60)
    employer = models.CharField(_("单位"), max_length=200)
    trade = models.CharField(_("工种/领域"), max_length=80)
    title = models.CharField(_("称号"), max_length=60, default="工匠")
    year = models.PositiveSmallIntegerField(_("评选年度"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CraftsmanStatus.choices,
        default=CraftsmanStatus.NOMINATED,
    )
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    awarded_on = models.DateField(_("命名日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工匠")
        verbose_name_plural = _("工匠")
        ordering = ["-year", "name"]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self):
        return f"{self.title} {self.name}"


class CraftsmanStudio(TimeStampedModel):
    """A craftsman (innovation) studio (工匠/劳模创新工作室)."""

    org = org_fk(_("认定工会"), related_name="craftsman_studios")
    name = models.CharField(_("工作室名称"), max_length=160)
    leader = models.ForeignKey(
        Craftsman,
        verbose_name=_("领衔工匠"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studios",
    )
    leader_name = models.CharField(_("领衔人"), max_length=60, blank=True)
    enterprise_name = models.CharField(_("所在单位"), max_length=200, blank=True)
    established_on = models.DateField(_("认定日期"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工匠工作室")
        verbose_name_plural = _("工匠工作室")
        ordering = ["-established_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="studio_name_unique_per_org")
        ]

    def __str__(self):
        return self.name
