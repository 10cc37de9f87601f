import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import is_valid_mobile, mask_phone, validate_mobile

from .choices import OFFICER_ROLES, ROLE_ORG_LEVELS, Role


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
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES or self.is_superuser or self.role == Role.SUPERUSER

    @property
    def can_read_officer_pages(self) -> bool:
        return self.is_officer or self.role == Role.AUDITOR


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
