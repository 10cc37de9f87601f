from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingKind(models.TextChoices):
    MOBILE_CLASS = "mobile_class", _("流动课堂")
    NIGHT_SCHOOL = "night_school", _("劳动者夜校")
    CRAFTSMAN_ACADEMY = "craftsman_academy", _("工匠学院")
    OTHER = "other", _("其他培训")


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")
