"""Hardship aid (困难职工帮扶: the local means-test line, applications and payments) and medical
mutual aid (职工医疗互助: units enrolled per year, their participants, claims)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.cases.models import Case
from gonghui.core.fields import user_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import AidStatus, ClaimStatus, PaymentMethod


class HardshipThreshold(models.Model):
    """The local means-test line a union sets (困难职工认定标准): monthly income per household
    member at or below which a family qualifies. The nearest union up the tree with a row
    applies."""

    union = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("工会"),
        on_delete=models.CASCADE,
        related_name="hardship_threshold",
    )
    monthly_income_per_capita = models.DecimalField(
        _("人均月收入标准（元）"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "union__path"

    class Meta:
        verbose_name = _("困难认定标准")
        verbose_name_plural = _("困难认定标准")

    def __str__(self):
        return f"{self.union}: {self.monthly_income_per_capita}"


class HardshipApplication(TimeStampedModel):
    """An application for hardship aid (困难帮扶): the household, its income, the means check
    against the local line, and two approvals (grassroots, then county)."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="hardship_applications",
    )
    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受理工会"),
        on_delete=models.PROTECT,
        related_name="hardship_applications",
    )
    county_union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("审批工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.OneToOneField(
        Case,
        verbose_name=_("关联诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hardship_application",
    )
    period = models.CharField(_("帮扶期间"), max_length=7, help_text=_("年度，如 2026"))
    reason = models.TextField(_("困难情况"), max_length=2000)
    household = models.JSONField(_("家庭成员"), default=list)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    household_monthly_income = models.DecimalField(
        _("家庭月收入（元）"), max_digits=11, decimal_places=2
    )
    threshold = models.DecimalField(
        _("认定标准（元）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    means_ok = models.BooleanField(_("符合认定标准"), default=False)
    requested_amount = models.DecimalField(_("申请金额（元）"), max_digits=11, decimal_places=2)
    approved_amount = models.DecimalField(
        _("批准金额（元）"), max_digits=11, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=AidStatus.choices, default=AidStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    grassroots_approver = user_fk(_("基层审核人"))
    grassroots_approved_at = models.DateTimeField(_("基层审核时间"), null=True, blank=True)
    county_approver = user_fk(_("县级审批人"))
    county_approved_at = models.DateTimeField(_("县级审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "union__path"

    class Meta:
        verbose_name = _("困难帮扶申请")
        verbose_name_plural = _("困难帮扶申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period"],
                condition=~models.Q(status="rejected"),
                name="hardship_one_live_application_per_period",
            )
        ]

    def __str__(self):
        return f"{self.member_id} {self.period} ({self.status})"

    def get_absolute_url(self):
        return reverse("aid:hardship-detail", args=[self.pk])


class HardshipDisbursement(models.Model):
    """One payment of approved hardship aid (发放台账). The database refuses a second payment to
    the same member for the same period, whatever the code above it does."""

    application = models.ForeignKey(
        HardshipApplication,
        verbose_name=_("帮扶申请"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("会员"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("帮扶期间"), max_length=7)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=11, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    paid_on = models.DateField(_("发放日期"))
    method = models.CharField(_("发放方式"), max_length=10, choices=PaymentMethod.choices)
    approver = user_fk(_("批准人"))
    approver_label = models.CharField(_("批准人名称"), max_length=150)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "application__union__path"

    class Meta:
        verbose_name = _("帮扶资金发放记录")
        verbose_name_plural = _("帮扶资金发放记录")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period"], name="hardship_one_payment_per_member_period"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="hardship_payment_positive"
            ),
        ]

    def __str__(self):
        return f"{self.member_id} {self.period} {self.amount}"


class MutualAidEnrolment(TimeStampedModel):
    """A work unit enrolled in the union's medical mutual-aid scheme (职工医疗互助) for one year,
    with how many of its workers take part. Claims are cases of the 医疗互助 type."""

    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("组织工会"),
        on_delete=models.PROTECT,
        related_name="mutual_aid_enrolments",
    )
    unit_name = models.CharField(_("参保单位"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    participants = models.PositiveIntegerField(
        _("参加人数"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "union__path"

    class Meta:
        verbose_name = _("医疗互助参保单位")
        verbose_name_plural = _("医疗互助参保单位")
        ordering = ["-year", "unit_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "unit_name", "year"], name="mutual_aid_unit_once_per_year"
            )
        ]

    def __str__(self):
        return f"{self.year} {self.unit_name} ({self.participants})"


class MutualAidParticipant(TimeStampedModel):
    """A member taking part in medical mutual aid for one year, through a unit enrolled that
    year: added by an officer, or the worker's own enrolment. Once a year per member, by a
    database constraint."""

    enrolment = models.ForeignKey(
        MutualAidEnrolment,
        verbose_name=_("参保单位"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="mutual_aid",
    )
    # The enrolment's year, kept here so the database can hold "once a year" itself.
    year = models.PositiveSmallIntegerField(_("年度"))
    added_by = user_fk(_("登记人"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "enrolment__union__path"

    class Meta:
        verbose_name = _("医疗互助参加职工")
        verbose_name_plural = _("医疗互助参加职工")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="mutual_aid_member_once_a_year")
        ]

    def __str__(self):
        return f"{self.year} {self.member_id}"


class MutualAidClaim(TimeStampedModel):
    """A participant's claim for medical costs (医疗互助金申领): filed by the worker or at the
    hall, approved (up to the amount claimed) or refused with a reason by the organising union,
    then paid."""

    participant = models.ForeignKey(
        MutualAidParticipant,
        verbose_name=_("参加职工"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    illness = models.CharField(_("病种或伤情"), max_length=200)
    hospital = models.CharField(_("就诊医院"), max_length=200)
    medical_cost = models.DecimalField(_("医疗费用（元）"), max_digits=11, decimal_places=2)
    claimed_amount = models.DecimalField(_("申请金额（元）"), max_digits=11, decimal_places=2)
    approved_amount = models.DecimalField(
        _("核定金额（元）"), max_digits=11, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    decided_by = user_fk(_("审核人"))
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    method = models.CharField(
        _("支付方式"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    paid_by = user_fk(_("支付登记人"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "participant__enrolment__union__path"

    class Meta:
        verbose_name = _("医疗互助金申领")
        verbose_name_plural = _("医疗互助金申领")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed_amount__gt=0)
                & models.Q(claimed_amount__lte=models.F("medical_cost")),
                name="mutual_aid_claim_within_cost",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True)
                | models.Q(approved_amount__lte=models.F("claimed_amount")),
                name="mutual_aid_approved_within_claim",
            ),
        ]

    def __str__(self):
        return f"{self.participant_id} {self.claimed_amount} ({self.status})"

    def get_absolute_url(self):
        return reverse("aid:claim-detail", args=[self.pk])
