from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.organizations.choices import OrgLevel


class Role(models.TextChoices):
    WORKER = "worker", _("职工")
    GRASSROOTS_OFFICER = "grassroots_officer", _("基层工会干部")
    COUNTY_OFFICER = "county_officer", _("县级工会干部")
    CITY_OFFICER = "city_officer", _("市级工会干部")
    PROVINCE_OFFICER = "province_officer", _("省级工会干部")
    NATIONAL_OFFICER = "national_officer", _("全国总工会干部")
    AUDITOR = "auditor", _("只读审计员")
    SUPERUSER = "superuser", _("超级管理员")


OFFICER_ROLES = frozenset(
    {
        Role.GRASSROOTS_OFFICER,
        Role.COUNTY_OFFICER,
        Role.CITY_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.NATIONAL_OFFICER,
    }
)

# Which org levels an officer role may be bound to. Street, park and community union officers
# do grassroots work, so they hold the grassroots officer role.
ROLE_ORG_LEVELS = {
    Role.GRASSROOTS_OFFICER: {OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.GRASSROOTS},
    Role.COUNTY_OFFICER: {OrgLevel.COUNTY},
    Role.CITY_OFFICER: {OrgLevel.CITY},
    Role.PROVINCE_OFFICER: {OrgLevel.PROVINCE},
    Role.NATIONAL_OFFICER: {OrgLevel.NATIONAL},
}
