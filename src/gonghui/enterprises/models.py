import math

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import user_fk
from gonghui.core.history import HistoryEvent
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedManager
from gonghui.core.text import search_key
from gonghui.core.validators import mask_phone, validate_credit_code

from .choices import (
    ClaimStatus,
    EnterpriseKind,
    Industry,
    ProjectKind,
    ServiceProjectStatus,
    VisitResult,
)

# Resolution 8 cells are ~0.74 km²: a few buildings, what one officer sweeps in an afternoon.
H3_RESOLUTION = 8


def validate_finite(value) -> None:
    if value is not None and not math.isfinite(value):
        raise ValidationError(_("请输入数字。"), code="not_finite")


def h3_cell_for(latitude, longitude) -> str:
    if latitude is None or longitude is None:
        return ""
    return h3.latlng_to_cell(float(latitude), float(longitude), H3_RESOLUTION)


class Located(models.Model):
    """A place on the map with its grid cell, kept in step on save."""

    address = models.CharField(_("地址"), max_length=255, blank=True)
    latitude = models.FloatField(
        _("纬度"),
        null=True,
        blank=True,
        validators=[validate_finite, MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("经度"),
        null=True,
        blank=True,
        validators=[validate_finite, MinValueValidator(-180), MaxValueValidator(180)],
    )
    h3_cell = models.CharField(_("网格"), max_length=16, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.h3_cell = h3_cell_for(self.latitude, self.longitude)
        super().save(*args, **kwargs)


class Enterprise(Located, TimeStampedModel):
    """An employer in the registry (企业、小微企业、社会组织、两新组织) and the union covering it.

    ``street_org`` is the street, park or county union whose area the enterprise lies in: it
    decides who sees it. ``union`` is the union that covers its workers: its own, or a joint or
    regional union; empty means not yet covered (未建会).
    """

    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices)
    kind = models.CharField(
        _("类型"), max_length=20, choices=EnterpriseKind.choices, default=EnterpriseKind.ENTERPRISE
    )
    is_key_social_org = models.BooleanField(_("重点社会组织"), default=False)
    employees = models.IntegerField(_("职工人数"), default=0, validators=[MinValueValidator(0)])
    established_on = models.DateField(
        _("成立日期"),
        null=True,
        blank=True,
        help_text=_("用于判断是否已满足建会条件（25人以上且满1个月）"),
    )
    street_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属街道/园区工会"),
        on_delete=models.PROTECT,
        related_name="area_enterprises",
    )
    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("覆盖工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_enterprises",
    )
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    objects = ScopedManager()
    scope_path_lookup = "street_org__path"
    # The audit log keeps these masked (core.audit).
    audit_masked_fields = {"contact_phone": mask_phone}

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employees__gte=0), name="enterprise_employees_non_negative"
            )
        ]
        indexes = [models.Index(fields=["kind", "employees"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = (self.credit_code or "").strip().upper()
        self.search_text = search_key(f"{self.name} {self.credit_code}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.pk])

    @property
    def is_covered(self) -> bool:
        return self.union_id is not None and self.union.dissolved_on is None


class Project(Located, TimeStampedModel):
    """A construction site or key project (项目). With 25+ workers for a month it must found a
    项目工会, which is dissolved when the project ends."""

    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(
        _("类型"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.CONSTRUCTION
    )
    contractor = models.CharField(_("施工/建设单位"), max_length=200, blank=True)
    workers = models.IntegerField(_("用工人数"), default=0, validators=[MinValueValidator(0)])
    started_on = models.DateField(_("开工日期"))
    planned_end_on = models.DateField(_("计划完工日期"), null=True, blank=True)
    ended_on = models.DateField(_("实际完工日期"), null=True, blank=True)
    street_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属街道/园区工会"),
        on_delete=models.PROTECT,
        related_name="area_projects",
    )
    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("项目工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_projects",
    )

    objects = ScopedManager()
    scope_path_lookup = "street_org__path"

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(workers__gte=0), name="project_workers_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end_on__isnull=True)
                | models.Q(planned_end_on__gte=models.F("started_on")),
                name="project_planned_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:project-detail", args=[self.pk])


class CoverageRule(TimeStampedModel):
    """A province's founding rule: an enterprise or project with ``min_workers`` or more for
    ``min_months`` months must have a union. Provinces without a row use the defaults (25, 1)."""

    DEFAULT_MIN_WORKERS = 25
    DEFAULT_MIN_MONTHS = 1

    province = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("省级工会"),
        on_delete=models.CASCADE,
        related_name="coverage_rule",
    )
    min_workers = models.PositiveIntegerField(
        _("建会人数下限"), default=DEFAULT_MIN_WORKERS, validators=[MinValueValidator(1)]
    )
    min_months = models.PositiveIntegerField(_("用工满月数"), default=DEFAULT_MIN_MONTHS)

    objects = ScopedManager()
    scope_path_lookup = "province__path"

    class Meta:
        verbose_name = _("建会规则")
        verbose_name_plural = _("建会规则")

    def __str__(self):
        return f"{self.province}: {self.min_workers}+ / {self.min_months}"


class GridAssignment(TimeStampedModel):
    """An H3 grid cell handed to an officer to sweep (网格化、扫楼)."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属工会"),
        on_delete=models.CASCADE,
        related_name="grid_assignments",
    )
    cell = models.CharField(_("网格"), max_length=16, db_index=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        on_delete=models.CASCADE,
        related_name="grid_assignments",
    )

    objects = ScopedManager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("网格分配")
        verbose_name_plural = _("网格分配")
        ordering = ["cell", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "cell"], name="grid_cell_once_per_org")
        ]

    def __str__(self):
        return f"{self.cell} → {self.officer}"


class Visit(HistoryEvent):
    """One outreach visit to an enterprise and what came of it (走访记录): the enterprise's
    outreach history. ``kind`` is the result; the actor is the officer who visited."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("走访结果"), max_length=20, choices=VisitResult.choices)
    visited_on = models.DateField(_("走访日期"))
    follow_up_on = models.DateField(_("再次走访日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path_lookup = "enterprise__street_org__path"

    class Meta(HistoryEvent.Meta):
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.visited_on}"


class ServiceProject(TimeStampedModel):
    """A service project a union publishes for social organisations to claim (项目征集认领)."""

    publisher = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("发布工会"),
        on_delete=models.PROTECT,
        related_name="service_projects",
    )
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目内容"), blank=True)
    budget = models.DecimalField(
        _("预算（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    claim_deadline = models.DateField(_("认领截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ServiceProjectStatus.choices,
        default=ServiceProjectStatus.PUBLISHED,
    )
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("受益职工人数"), null=True, blank=True)
    delivery_note = models.TextField(_("交付情况"), blank=True)

    objects = ScopedManager()
    scope_path_lookup = "publisher__path"

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ServiceClaim(TimeStampedModel):
    """A social organisation's claim on a service project, approved or not by the union."""

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="claims"
    )
    social_org = models.ForeignKey(
        Enterprise,
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="service_claims",
    )
    proposal = models.TextField(_("服务方案"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )

    objects = ScopedManager()
    scope_path_lookup = "project__publisher__path"

    class Meta:
        verbose_name = _("项目认领")
        verbose_name_plural = _("项目认领")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "social_org"], name="service_claim_once_per_org"
            )
        ]

    def __str__(self):
        return f"{self.social_org} → {self.project}"


class SocialOrgAccount(TimeStampedModel):
    """The sign-in of a social organisation (its contact's phone): with it the organisation
    sees the service projects open to it and claims them itself, instead of an officer typing
    its claim."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("社会组织"),
        on_delete=models.CASCADE,
        related_name="accounts",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="social_org_account",
    )
    created_by = user_fk(_("开通人"))

    objects = ScopedManager()
    scope_path_lookup = "enterprise__street_org__path"

    class Meta:
        verbose_name = _("社会组织账号")
        verbose_name_plural = _("社会组织账号")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.enterprise} · {self.user}"
