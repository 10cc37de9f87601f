import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import is_valid_mobile, mask_phone, validate_mobile

from .choices import OFFICER_ROLES, ROLE_ORG_LEVELS, GrantRole, Role


class User(AbstractUser):
    """An account: a worker signing in by phone, or an officer bound to one union org.

    The officer's org is the root of everything they may see or change (``core.scoping``).
    """

    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.WORKER)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile])
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    # The primary grant (role on organization) needs a second factor before it opens any scope.
    requires_second_factor = models.BooleanField(_("须双重验证"), default=False)
    # Set while the account holds RoleGrant rows or a second-factor requirement: the scope of
    # every other account is computed from the fields above without a query.
    has_grants = models.BooleanField(default=False, editable=False)

    # The audit log keeps these masked (core.audit); a worker's username is their phone.
    audit_masked_fields = {
        "phone": mask_phone,
        "username": lambda value: mask_phone(value) if is_valid_mobile(value) else value,
    }

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="user_phone_unique_when_set"
            )
        ]

    def __str__(self):
        return self.display_name or self.username

    def clean(self):
        super().clean()
        if (self.role in OFFICER_ROLES or self.role == Role.AUDITOR) and self.organization is None:
            raise ValidationError({"organization": _("工会干部和审计员必须绑定一个工会组织。")})
        if (
            self.role in OFFICER_ROLES
            and self.organization is not None
            and self.organization.level not in ROLE_ORG_LEVELS[self.role]
        ):
            raise ValidationError({"organization": _("该角色不能绑定到这一级别的工会组织。")})

    @property
    def has_full_scope(self) -> bool:
        return self.is_superuser or self.role == Role.SUPERUSER

    def scope_paths(self, action: str) -> list[str]:
        """The org paths whose subtrees this account reaches for ``action`` (core.scoping):
        its primary role on its org plus its grants. Accounts without grants cost no query; the
        grants are read once per user object (one request)."""
        from .grants import granted_paths

        return granted_paths(self, action)

    @property
    def is_officer(self) -> bool:
        if self.role in OFFICER_ROLES or self.is_superuser or self.role == Role.SUPERUSER:
            return True
        return self.has_grants and self.role != Role.WORKER and _has_scope(self, "change")

    @property
    def can_read_officer_pages(self) -> bool:
        if self.is_officer or self.role == Role.AUDITOR:
            return True
        return self.has_grants and self.role != Role.WORKER and _has_scope(self, "view")


def _has_scope(user, action) -> bool:
    return bool(user.scope_paths(action))


class RoleGrant(models.Model):
    """A role an account holds on one org besides its primary one (工会干部兼任制).

    The account's scope is the union of the subtrees of its grants and its primary org."""

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="grants"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("工会组织"),
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    role = models.CharField(_("授权角色"), max_length=20, choices=GrantRole.choices)
    requires_second_factor = models.BooleanField(_("须双重验证"), default=False)
    granted_by = models.CharField(_("授权人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    scope_path_lookup = "organization__path"

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="rolegrant_one_per_user_org_role"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.get_role_display()} @ {self.organization}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self):
        return f"{self.user} token {self.key_hash[:8]}"
