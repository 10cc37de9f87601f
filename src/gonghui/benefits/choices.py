from django.db import models
from django.utils.translation import gettext_lazy as _


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
