from django.db import models
from django.utils.translation import gettext_lazy as _


class AidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待基层审核")
    GRASSROOTS_APPROVED = "grassroots_approved", _("待县级审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("银行转账")
    CASH = "cash", _("现金")
    MOBILE = "mobile", _("移动支付")
    IN_KIND = "in_kind", _("实物")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已核定，待支付")
    REJECTED = "rejected", _("不予支付")
    PAID = "paid", _("已支付")
