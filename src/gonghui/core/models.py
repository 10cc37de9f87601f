from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager


class TimeStampedModel(models.Model):
    """Created/updated stamps every domain row carries."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    MOVE = "move", _("移动")
    DISSOLVE = "dissolve", _("撤销")
    LOGIN = "login", _("登录")
    EXPORT = "export", _("导出")
    REVEAL_ID = "reveal_id", _("查看完整身份证号码")
    OTHER = "other", _("其他")


class AuditLog(models.Model):
    """One change to one domain object: who, when, from where, and each field's old and new value.

    ``org_path`` is the path of the org the object belongs to at the time of the change, so the
    log is scoped like everything else: an officer reads the changes made in their subtree.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the log must still say who acted after an account is deleted.
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    # No index of its own: the (content_type, object_id) index below starts with it.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    object_id = models.CharField(_("对象ID"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=255)
    org_path = models.CharField(_("所属组织路径"), max_length=255, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    objects = ScopedManager()
    scope_path_lookup = "org_path"

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )


class RateLimitCounter(models.Model):
    """Hits of one caller (a phone, an address, a device; hashed) on one limited action in one
    fixed window. In the database so that every server process counts the same hits."""

    key = models.CharField(_("限流键"), max_length=100)
    window_start = models.BigIntegerField(_("窗口开始（Unix秒）"))
    window_end = models.BigIntegerField(_("窗口结束（Unix秒）"), db_index=True)
    hits = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_one_window")
        ]

    def __str__(self):
        return f"{self.key}@{self.window_start}: {self.hits}"


class FigureDelta(models.Model):
    """One change of one officers' figure (core.figures): at an org path, on a day, +/-n.

    Appended by the domain services in their own transaction and never updated; the brain app
    folds the rows into its rollups and deletes them in the same transaction. A row with
    ``moved_from`` set marks a subtree move (old path -> ``org_path``)."""

    org_path = models.CharField(_("组织路径"), max_length=255, db_index=True)
    metric = models.CharField(_("指标"), max_length=80, blank=True)
    day = models.DateField(_("日期"))
    delta = models.BigIntegerField(_("变化量"))
    moved_from = models.CharField(_("原路径"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("指标变化")
        verbose_name_plural = _("指标变化")

    def __str__(self):
        return f"{self.org_path} {self.metric} {self.day} {self.delta:+d}"
