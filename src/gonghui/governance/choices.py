from django.db import models
from django.utils.translation import gettext_lazy as _


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    MEMBER = "member", _("委员")
    FUNDS_REVIEW = "funds_review", _("经费审查委员会委员")
    WOMEN = "women", _("女职工委员会委员")


# A union's committee serves five years (《工会法》、《中国工会章程》): the 换届 falls due then.
TERM_YEARS = 5
REMINDER_MONTHS = (6, 1)


class Dimension(models.TextChoices):
    """The six 强 of the 县级工会加强年."""

    POLITICAL = "political", _("政治引领强")
    ORGANIZATION = "organization", _("组织功能强")
    TEAM = "team", _("班子队伍强")
    INSTITUTION = "institution", _("制度机制强")
    POSITION = "position", _("服务阵地强")
    ROLE = "role", _("作用发挥强")


class Measure(models.TextChoices):
    """How an indicator is measured: from the platform's data, or by uploaded evidence."""

    EVIDENCE = "evidence", _("佐证材料（人工评分）")
    FORMATION_RATE = "formation_rate", _("建会率（%）")
    MEMBERSHIP_RATE = "membership_rate", _("职工入会率（%）")
    STATIONS = "stations", _("服务阵地数（个）")
    SERVICE_CIRCLE = "service_circle", _("服务圈覆盖的基层工会（%）")
    CASES_ON_TIME = "cases_on_time", _("诉求按时办结率（%）")
    SATISFACTION = "satisfaction", _("诉求满意率（%）")
    CONGRESS_RATE = "congress_rate", _("职代会建制率（%）")
    COMMITTEES_IN_TERM = "committees_in_term", _("按期换届的工会（%）")
    AID_PAID = "aid_paid", _("帮扶救助金额（元）")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("自评中")
    SELF_SUBMITTED = "self_submitted", _("待市级审核")
    CITY_REVIEWED = "city_reviewed", _("待省级审核")
    SIGNED_OFF = "signed_off", _("省级已审定")
