"""Member benefits offered through a union org: job openings (找岗位) and discounts (消费优惠)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import latitude_field, longitude_field, org_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import DiscountCategory, JobCategory


class JobPosting(TimeStampedModel):
    """A job opening (找岗位) posted by a union org for a partner employer; gone after expiry."""

    org = org_fk(_("发布工会"), related_name="job_postings")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("用工企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("岗位名称"), max_length=120)
    employer = models.CharField(_("用人单位"), max_length=200)
    category = models.CharField(_("岗位类别"), max_length=20, choices=JobCategory.choices)
    pay_min = models.PositiveIntegerField(_("月薪下限（元）"))
    pay_max = models.PositiveIntegerField(_("月薪上限（元）"))
    place = models.CharField(_("工作地点"), max_length=200)
    latitude = latitude_field()
    longitude = longitude_field()
    contact = models.CharField(_("联系方式"), max_length=100)
    description = models.TextField(_("岗位说明"), blank=True)
    expires_on = models.DateField(_("截止日期"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_max__gte=models.F("pay_min")), name="job_pay_range_ordered"
            )
        ]
        indexes = [models.Index(fields=["expires_on", "category"])]

    def __str__(self):
        return f"{self.title}（{self.employer}）"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class Discount(TimeStampedModel):
    """A member discount (消费优惠) a merchant offers through a union org, for a period."""

    org = org_fk(_("发布工会"), related_name="discounts")
    merchant = models.CharField(_("商家"), max_length=200)
    offer = models.CharField(_("优惠内容"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=DiscountCategory.choices)
    valid_from = models.DateField(_("开始日期"))
    valid_until = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=200)
    latitude = latitude_field()
    longitude = longitude_field()

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("会员优惠")
        verbose_name_plural = _("会员优惠")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="discount_valid_until_after_from",
            )
        ]
        indexes = [models.Index(fields=["valid_until", "category"])]

    def __str__(self):
        return f"{self.merchant}：{self.offer}"
