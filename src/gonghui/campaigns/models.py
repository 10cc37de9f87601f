"""Campaigns (送清凉, 送温暖, 送体检, 送文化 and kinds an officer defines), what they hand out,
and who received what (deliveries)."""

from urllib.parse import urlencode

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import officer_fk, org_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.validators import mask_phone
from gonghui.members.choices import OccupationGroup

from .choices import CampaignKind, TargetGender


class CustomCampaignKind(TimeStampedModel):
    """A campaign kind an officer defines beyond the 四送 (e.g. 送法律, 金秋助学)."""

    org = org_fk(_("定义工会"))
    name = models.CharField(_("名称"), max_length=60)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("自定义活动类型")
        verbose_name_plural = _("自定义活动类型")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="custom_kind_unique_per_org")
        ]

    def __str__(self):
        return self.name


class Campaign(TimeStampedModel):
    """A benefit campaign (送清凉, 送温暖, 送体检, 送文化 ...) organised by one union org for
    target groups of workers, with a budget and items to hand out."""

    organizer = org_fk(_("主办工会"), related_name="campaigns")
    name = models.CharField(_("活动名称"), max_length=120)
    kind = models.CharField(_("活动类型"), max_length=20, choices=CampaignKind.choices)
    custom_kind = models.ForeignKey(
        CustomCampaignKind,
        verbose_name=_("自定义类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    # Occupation group codes (members.OccupationGroup); empty means every group.
    target_groups = models.JSONField(_("服务对象群体"), default=list, blank=True)
    target_gender = models.CharField(
        _("性别要求"), max_length=1, choices=TargetGender.choices, blank=True, default=""
    )
    budget = models.DecimalField(
        _("预算（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    allow_repeat = models.BooleanField(
        _("允许重复领取"), default=False, help_text=_("勾选后同一会员可多次领取同一物资。")
    )
    description = models.TextField(_("说明"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "organizer__path"

    class Meta:
        verbose_name = _("普惠活动")
        verbose_name_plural = _("普惠活动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:campaign-detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        if self.kind == CampaignKind.CUSTOM and self.custom_kind_id:
            return self.custom_kind.name
        return self.get_kind_display()

    def is_for(self, member) -> bool:
        """Whether ``member`` is among the campaign's target groups (a hint, not a rule: an
        officer may still hand the item to someone else in need)."""
        if self.target_groups and member.occupation_group not in self.target_groups:
            return False
        return not (self.target_gender and member.gender != self.target_gender)

    def target_group_labels(self) -> list[str]:
        labels = dict(OccupationGroup.choices)
        return [str(labels.get(code, code)) for code in self.target_groups]


class CampaignItem(TimeStampedModel):
    """One thing a campaign hands out (防暑降温物资, 车载急救包, 体检套餐) and how many were
    bought."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("物资名称"), max_length=80)
    quantity = models.PositiveIntegerField(_("计划数量"), default=0)
    unit = models.CharField(_("单位"), max_length=10, default="份")

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "campaign__organizer__path"

    class Meta:
        verbose_name = _("活动物资")
        verbose_name_plural = _("活动物资")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="item_name_unique_per_campaign"
            )
        ]

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """One hand-over: who received which item of a campaign, when, where, from which officer.

    A member (or a non-member identified by phone) receives an item once: the partial unique
    constraints hold that even for two officers scanning the same card at once. A further
    delivery is possible only as an explicit repeat (the campaign allows it, or an officer gave a
    reason), which is recorded as such.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="deliveries"
    )
    item = models.ForeignKey(
        CampaignItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="deliveries"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    # Non-member beneficiaries (not yet in the union) are known by name and phone.
    beneficiary_name = models.CharField(_("受益人姓名"), max_length=60, blank=True)
    beneficiary_phone = models.CharField(_("受益人电话"), max_length=11, blank=True)
    # Copied from the member at delivery time: reports count groups as they were then.
    occupation_group = models.CharField(
        _("职业群体"), max_length=30, choices=OccupationGroup.choices, default=OccupationGroup.OTHER
    )
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1, validators=[MinValueValidator(1)])
    delivered_at = models.DateTimeField(_("发放时间"), default=timezone.now, db_index=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("服务阵地"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    site = models.CharField(_("发放地点"), max_length=120, blank=True)
    officer = officer_fk(_("经办人"))
    officer_label = models.CharField(_("经办人名称"), max_length=150, blank=True)
    is_repeat = models.BooleanField(_("重复领取"), default=False)
    override_reason = models.CharField(_("重复发放原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "campaign__organizer__path"
    # The audit log keeps these masked (core.audit).
    audit_masked_fields = {"beneficiary_phone": mask_phone}

    class Meta:
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")
        ordering = ["-delivered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "item", "member"],
                condition=Q(member__isnull=False, is_repeat=False),
                name="delivery_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["campaign", "item", "beneficiary_phone"],
                condition=Q(member__isnull=True, is_repeat=False),
                name="delivery_once_per_nonmember_phone",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(beneficiary_name=""),
                name="delivery_has_beneficiary",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "occupation_group"])]

    def __str__(self):
        return f"{self.item_id} > {self.beneficiary_label}"

    @property
    def beneficiary_label(self) -> str:
        return self.member.name if self.member_id else self.beneficiary_name

    @property
    def place_label(self) -> str:
        return self.station.name if self.station_id else self.site

    @property
    def invite_url(self) -> str | None:
        """Where a non-member beneficiary joins the union (the public join flow)."""
        if self.member_id:
            return None
        query = urlencode({"name": self.beneficiary_name, "phone": self.beneficiary_phone})
        return f"{reverse('joining:join')}?{query}"
