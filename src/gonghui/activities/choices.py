from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    """The 四送 campaigns, plus kinds an officer defines (then ``custom_kind`` names it)."""

    SUMMER_COOLING = "summer_cooling", _("送清凉")
    WINTER_WARMTH = "winter_warmth", _("送温暖")
    HEALTH_CHECK = "health_check", _("送体检")
    CULTURE = "culture", _("送文化")
    CUSTOM = "custom", _("其他活动")


class TargetGender(models.TextChoices):
    ANY = "", _("不限")
    FEMALE = "F", _("女职工")
    MALE = "M", _("男职工")


class TrainingKind(models.TextChoices):
    MOBILE_CLASS = "mobile_class", _("流动课堂")
    NIGHT_SCHOOL = "night_school", _("劳动者夜校")
    CRAFTSMAN_ACADEMY = "craftsman_academy", _("工匠学院")
    OTHER = "other", _("其他培训")


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class JobCategory(models.TextChoices):
    LOGISTICS = "logistics", _("物流配送")
    MANUFACTURING = "manufacturing", _("生产制造")
    SERVICE = "service", _("生活服务")
    CONSTRUCTION = "construction", _("建筑施工")
    CARE = "care", _("家政护理")
    OFFICE = "office", _("办公文员")
    OTHER = "other", _("其他")


class DiscountCategory(models.TextChoices):
    FOOD = "food", _("餐饮")
    SHOPPING = "shopping", _("购物")
    HEALTH = "health", _("医疗健康")
    TRAVEL = "travel", _("文旅出行")
    VEHICLE = "vehicle", _("车辆服务")
    OTHER = "other", _("其他")


class CraftsmanStatus(models.TextChoices):
    """工匠 selection runs in this order; ``REJECTED`` ends it at any step before the award."""

    NOMINATED = "nominated", _("推荐提名")
    REVIEW = "review", _("评审中")
    NOTICE = "notice", _("公示中")
    AWARDED = "awarded", _("已命名")
    REJECTED = "rejected", _("未通过")


CRAFTSMAN_NEXT = {
    CraftsmanStatus.NOMINATED: CraftsmanStatus.REVIEW,
    CraftsmanStatus.REVIEW: CraftsmanStatus.NOTICE,
    CraftsmanStatus.NOTICE: CraftsmanStatus.AWARDED,
}


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
