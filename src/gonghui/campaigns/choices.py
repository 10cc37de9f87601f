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
