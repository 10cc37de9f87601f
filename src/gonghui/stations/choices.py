from django.db import models
from django.utils.translation import gettext_lazy as _


class StationType(models.TextChoices):
    WORKERS_HOME = "workers_home", _("职工之家")
    LABOUR_STATION = "labour_station", _("劳动驿站")
    OUTDOOR_STATION = "outdoor_station", _("户外劳动者驿站")
    WARM_HEART = "warm_heart", _("暖心驿站")
    CULTURAL_PALACE = "cultural_palace", _("工人文化宫")
    READING_ROOM = "reading_room", _("职工书屋")
    AFTER_SCHOOL = "after_school", _("四点半学校")
    OTHER = "other", _("其他")


class TravelMode(models.TextChoices):
    WALK = "walk", _("步行")
    CYCLE = "cycle", _("骑行")
    EBIKE = "ebike", _("电动自行车")


class CoverageBasis(models.TextChoices):
    WORK = "work", _("工作地点")
    HOME = "home", _("居住地点")


# The facilities every install starts with (seeded by a data migration); officers add more.
DEFAULT_FACILITIES = [
    ("rest", "休息"),
    ("water", "饮水"),
    ("hot_water", "热水"),
    ("microwave", "微波炉"),
    ("charging", "充电"),
    ("toilet", "卫生间"),
    ("first_aid", "急救药箱"),
    ("reading", "阅读"),
    ("air_conditioning", "空调"),
    ("wifi", "无线网络"),
]
