"""Union governance: committees and their terms (换届), the 对口联系 pairing of county unions with
provincial departments, and the 六强 evaluation of county unions."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import org_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import Dimension, EvaluationStatus, Measure, SeatRole


class Committee(TimeStampedModel):
    """One term (一届) of a union's committee; the next term's start is its 换届."""

    org = org_fk(_("工会"), related_name="committees")
    term_number = models.PositiveSmallIntegerField(
        _("届次"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期届满（换届日期）"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工会委员会")
        verbose_name_plural = _("工会委员会")
        ordering = ["org__path", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="committee_ends_after_start"
            ),
            models.UniqueConstraint(fields=["org", "term_number"], name="committee_term_unique"),
        ]

    def __str__(self):
        return f"{self.org} 第{self.term_number}届"


class Election(TimeStampedModel):
    """The election (选举) that brought a committee into office."""

    committee = models.OneToOneField(
        Committee, verbose_name=_("工会委员会"), on_delete=models.CASCADE, related_name="election"
    )
    held_on = models.DateField(_("选举日期"))
    delegates = models.PositiveIntegerField(_("应到代表（会员）人数"))
    attended = models.PositiveIntegerField(_("实到人数"))
    votes_cast = models.PositiveIntegerField(_("投票数"))
    note = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "committee__org__path"

    class Meta:
        verbose_name = _("选举记录")
        verbose_name_plural = _("选举记录")

    def __str__(self):
        return f"{self.committee} {self.held_on}"


class Seat(TimeStampedModel):
    """A person holding a role on a committee, with dates; linked to a member record if any."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("工会委员会"), on_delete=models.CASCADE, related_name="seats"
    )
    role = models.CharField(_("职务"), max_length=20, choices=SeatRole.choices)
    name = models.CharField(_("姓名"), max_length=60)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_on = models.DateField(_("任职日期"))
    ends_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "committee__org__path"

    class Meta:
        verbose_name = _("委员会职务")
        verbose_name_plural = _("委员会职务")
        ordering = ["committee", "role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="seat_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class TermReminder(models.Model):
    """A 换届 reminder raised for a committee some months before its term ends (once each)."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("工会委员会"), on_delete=models.CASCADE, related_name="reminders"
    )
    months_before = models.PositiveSmallIntegerField(_("提前月数"))
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "committee__org__path"

    class Meta:
        verbose_name = _("换届提醒")
        verbose_name_plural = _("换届提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "months_before"], name="reminder_once_per_committee"
            )
        ]

    def __str__(self):
        return f"{self.committee} -{self.months_before}"


class Department(TimeStampedModel):
    """A provincial department (省直部门) in the province's 对口联系 registry."""

    province = org_fk(_("省级工会"), related_name="departments")
    name = models.CharField(_("部门名称"), max_length=100)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "province__path"

    class Meta:
        verbose_name = _("省直部门")
        verbose_name_plural = _("省直部门")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="department_name_unique")
        ]

    def __str__(self):
        return self.name


class Pairing(TimeStampedModel):
    """对口联系: a county union paired with one provincial department."""

    county = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("县级工会"),
        on_delete=models.PROTECT,
        related_name="pairing",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("省直部门"), on_delete=models.PROTECT, related_name="pairings"
    )
    since = models.DateField(_("联系开始日期"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "county__path"

    class Meta:
        verbose_name = _("对口联系")
        verbose_name_plural = _("对口联系")

    def __str__(self):
        return f"{self.county} — {self.department}"


class Indicator(TimeStampedModel):
    """A 六强 indicator the province configures: its dimension, weight (points), target and how
    it is measured."""

    province = org_fk(_("省级工会"), related_name="six_strong_indicators")
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension.choices)
    name = models.CharField(_("指标"), max_length=200)
    measure = models.CharField(_("测量方式"), max_length=30, choices=Measure.choices)
    weight = models.DecimalField(
        _("分值"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.1), MaxValueValidator(100)],
    )
    target = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "province__path"

    class Meta:
        verbose_name = _("六强指标")
        verbose_name_plural = _("六强指标")
        ordering = ["province", "year", "dimension", "order", "id"]

    def __str__(self):
        return self.name

    @property
    def is_data_driven(self) -> bool:
        return self.measure != Measure.EVIDENCE


class Evaluation(TimeStampedModel):
    """The 六强 evaluation of one county union for one year: self-assessment, city review,
    province review (sign-off); nothing changes after the sign-off."""

    county = org_fk(_("县级工会"), related_name="six_strong_evaluations")
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    self_comment = models.TextField(_("自评说明"), blank=True)
    city_comment = models.TextField(_("市级审核意见"), blank=True)
    province_comment = models.TextField(_("省级审定意见"), blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "county__path"

    class Meta:
        verbose_name = _("六强评估")
        verbose_name_plural = _("六强评估")
        ordering = ["-year", "county__path"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="evaluation_once_a_year")
        ]

    def __str__(self):
        return f"{self.county} {self.year}"


class IndicatorScore(TimeStampedModel):
    """One indicator of one evaluation: the measured value (data-driven) or the evidence, and the
    score at each stage."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("六强评估"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="scores"
    )
    measured = models.DecimalField(
        _("测得值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    self_score = models.DecimalField(
        _("自评分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    city_score = models.DecimalField(
        _("市级评分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    province_score = models.DecimalField(
        _("省级评分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    evidence = models.FileField(_("佐证材料"), upload_to="private/governance/", blank=True)
    evidence_note = models.CharField(_("材料说明"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "evaluation__county__path"

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["indicator__dimension", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="score_once_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.evaluation} {self.indicator}"

    @property
    def final(self):
        for value in (self.province_score, self.city_score, self.self_score):
            if value is not None:
                return value
        return None
