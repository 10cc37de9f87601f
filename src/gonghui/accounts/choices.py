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


class GrantRole(models.TextChoices):
    """What a grant on an org lets its holder do there (兼任制: one login, several grants)."""

    OFFICER = "officer", _("工会干部")
    AUDITOR = "auditor", _("只读审计员")
    ACCOUNT_MANAGER = "account_manager", _("账号管理员")
    FINANCE = "finance", _("财务")


# Which actions each grant opens on its org's subtree. Finance staff pay aid and record funds, so
# they change data; the account manager manages accounts and sees the data through other grants.
GRANT_ACTIONS = {
    GrantRole.OFFICER: {"view", "change"},
    GrantRole.FINANCE: {"view", "change"},
    GrantRole.AUDITOR: {"view"},
    GrantRole.ACCOUNT_MANAGER: {"manage_accounts"},
}


def primary_grant_role(role: str) -> GrantRole | None:
    """The grant the legacy ``User.role`` stands for on ``User.organization``."""
    if role in OFFICER_ROLES:
        return GrantRole.OFFICER
    if role == Role.AUDITOR:
        return GrantRole.AUDITOR
    return None


def officer_role_for_level(level: str) -> Role | None:
    for role, levels in ROLE_ORG_LEVELS.items():
        if level in levels:
            return role
    return None
