from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementLevel(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业集体合同")
    REGIONAL = "regional", _("区域性集体合同")
    INDUSTRY = "industry", _("行业性集体合同")


class ReviewStatus(models.TextChoices):
    """Review of a signed agreement by the labour bureau (人社部门审查)."""

    NOT_SUBMITTED = "not_submitted", _("未报送")
    SUBMITTED = "submitted", _("已报送审查")
    APPROVED = "approved", _("审查通过")
    RETURNED = "returned", _("退回修改")


class LetterKind(models.TextChoices):
    """一函两书: the union's invitation letter, the employer's response, then (if the employer
    stalls) the union's advisory letter and the notice letter to the authorities."""

    INVITATION = "invitation", _("协商要约函")
    RESPONSE = "response", _("企业回应书")
    ADVISORY = "advisory", _("工会建议书")
    NOTICE = "notice", _("督办告知书")


class ProcedureStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    AGREED = "agreed", _("已回应协商")
    ESCALATED = "escalated", _("已提请督办")
    CLOSED = "closed", _("已结束")
