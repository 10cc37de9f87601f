"""Collective bargaining: wage agreements, the 一函两书 procedure and its letters, and worker
congresses (职代会) with their sessions."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import org_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import AgreementLevel, LetterKind, ProcedureStatus, ReviewStatus


class WageAgreement(TimeStampedModel):
    """A collective wage agreement (工资集体协议) of one enterprise, or of a region or industry
    (then ``enterprise`` is empty and ``org`` is the regional or industry union)."""

    org = org_fk(_("工会方"), related_name="wage_agreements")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("协议类型"), max_length=20, choices=AgreementLevel.choices)
    title = models.CharField(_("协议名称"), max_length=200)
    employer_party = models.CharField(_("企业（行业）方"), max_length=200)
    worker_party = models.CharField(_("职工方"), max_length=200)
    rounds = models.PositiveSmallIntegerField(_("协商轮次"), default=1)
    increase_pct = models.DecimalField(
        _("工资增幅（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
    )
    covered_workers = models.PositiveIntegerField(_("覆盖职工人数"), default=0)
    signed_on = models.DateField(_("签订日期"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("终止日期"))
    review_status = models.CharField(
        _("人社部门审查"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_SUBMITTED,
    )
    reviewed_on = models.DateField(_("审查日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工资集体协议")
        verbose_name_plural = _("工资集体协议")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("bargaining:agreement-detail", args=[self.pk])

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until


class BargainingProcedure(TimeStampedModel):
    """The 一函两书 procedure with one employer: letters with deadlines until the employer agrees
    to bargain or the matter is passed to the authorities."""

    org = org_fk(_("发起工会"), related_name="bargaining_procedures")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.OPEN
    )
    agreement = models.ForeignKey(
        WageAgreement,
        verbose_name=_("达成的协议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("一函两书")
        verbose_name_plural = _("一函两书")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.enterprise_id} ({self.status})"

    def get_absolute_url(self):
        return reverse("bargaining:procedure-detail", args=[self.pk])


class BargainingLetter(models.Model):
    """One letter of a 一函两书 procedure, with the date the other side must answer by."""

    procedure = models.ForeignKey(
        BargainingProcedure,
        verbose_name=_("程序"),
        on_delete=models.CASCADE,
        related_name="letters",
    )
    kind = models.CharField(_("文书"), max_length=20, choices=LetterKind.choices)
    sent_on = models.DateField(_("日期"))
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    note = models.CharField(_("摘要"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "procedure__org__path"

    class Meta:
        verbose_name = _("协商文书")
        verbose_name_plural = _("协商文书")
        ordering = ["procedure", "sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "kind"], name="letter_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sent_on}"


class WorkerCongress(TimeStampedModel):
    """An enterprise's worker congress (职代会) for one term; sessions held are its meetings.
    An enterprise with a congress whose term covers a day counts as 已建制 on that day."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The street/park org the enterprise lies in, copied so scoping is one hop like the rest.
    org = org_fk(_("所属街道/园区工会"), related_name="worker_congresses")
    term_number = models.PositiveSmallIntegerField(_("届次"), default=1)
    term_starts_on = models.DateField(_("本届开始"))
    term_ends_on = models.DateField(_("本届结束"))
    delegates = models.PositiveIntegerField(_("职工代表人数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("职工代表大会")
        verbose_name_plural = _("职工代表大会")
        ordering = ["-term_starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                name="congress_term_ordered",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "term_number"], name="congress_term_unique"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} 第{self.term_number}届"

    def get_absolute_url(self):
        return reverse("bargaining:congress-detail", args=[self.pk])


class CongressSession(models.Model):
    """One meeting (会议) of a worker congress."""

    congress = models.ForeignKey(
        WorkerCongress, verbose_name=_("职代会"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("召开日期"))
    attendees = models.PositiveIntegerField(_("到会代表"), default=0)
    resolutions = models.TextField(_("审议事项"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "congress__org__path"

    class Meta:
        verbose_name = _("职代会会议")
        verbose_name_plural = _("职代会会议")
        ordering = ["congress", "held_on"]

    def __str__(self):
        return f"{self.congress_id} {self.held_on}"
