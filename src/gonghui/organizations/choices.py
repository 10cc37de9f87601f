from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    STREET = "street", _("乡镇/街道/园区")
    COMMUNITY = "community", _("村/社区")
    GRASSROOTS = "grassroots", _("基层")


# Depth order of the levels: a child must sit strictly below its parent.
LEVEL_RANK = {level: rank for rank, level in enumerate(OrgLevel.values)}


class OrgType(models.TextChoices):
    FEDERATION = "federation", _("总工会")
    SINGLE = "single", _("独立工会")
    JOINT = "joint", _("联合工会")
    REGIONAL_FEDERATION = "regional", _("区域性工会联合会")
    INDUSTRY_FEDERATION = "industry", _("行业性工会联合会")
    PROJECT = "project", _("项目工会")
    MARKET = "market", _("市场/商圈/一条街工会")
    COMMUNITY_FEDERATION = "community", _("社区工会联合会")
