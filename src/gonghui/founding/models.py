from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import user_fk
from gonghui.core.history import HistoryEvent
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedManager
from gonghui.enterprises.models import Enterprise, Project

from .choices import DocumentType, FoundingEventKind, FoundingStatus, FoundingStep, FoundingTarget


class FoundingCase(TimeStampedModel):
    """One union being founded (模块化建会) for an enterprise, a group of small firms (联合工会)
    or a project, step by step until the new union exists."""

    target = models.CharField(_("建会方式"), max_length=20, choices=FoundingTarget.choices)
    union_name = models.CharField(_("拟成立工会名称"), max_length=200)
    parent_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("上级工会"),
        on_delete=models.PROTECT,
        related_name="founding_cases",
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("企业"), blank=True, related_name="founding_cases"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="founding_cases",
    )
    current_step = models.CharField(
        _("当前步骤"), max_length=20, choices=FoundingStep.choices, default=FoundingStep.APPLY
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=FoundingStatus.choices, default=FoundingStatus.OPEN
    )
    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("成立的工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = user_fk(_("发起人"))

    objects = ScopedManager()
    scope_path_lookup = "parent_org__path"

    class Meta:
        verbose_name = _("建会流程")
        verbose_name_plural = _("建会流程")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.union_name

    def get_absolute_url(self):
        return reverse("founding:detail", args=[self.pk])


class FoundingCaseStep(TimeStampedModel):
    """One step of a founding case: its deadline, responsible officer and sign-off."""

    case = models.ForeignKey(
        FoundingCase, verbose_name=_("建会流程"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("步骤"), max_length=20, choices=FoundingStep.choices)
    position = models.PositiveSmallIntegerField(_("顺序"))
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    responsible = user_fk(_("责任人"))
    signed_off_by = user_fk(_("签批人"))
    signed_off_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = ScopedManager()
    scope_path_lookup = "case__parent_org__path"

    class Meta:
        verbose_name = _("建会步骤")
        verbose_name_plural = _("建会步骤")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="founding_step_once_per_case")
        ]

    def __str__(self):
        return f"{self.case} · {self.get_step_display()}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class FoundingEvent(HistoryEvent):
    """One line of a founding case's timeline (建会过程): opened, a step changed, a document
    added, a step signed off, the union founded. Written by the founding services."""

    case = models.ForeignKey(
        FoundingCase, verbose_name=_("建会流程"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=FoundingEventKind.choices)
    step = models.CharField(_("步骤"), max_length=20, choices=FoundingStep.choices, blank=True)

    objects = ScopedManager()
    scope_path_lookup = "case__parent_org__path"

    class Meta(HistoryEvent.Meta):
        verbose_name = _("建会过程记录")
        verbose_name_plural = _("建会过程记录")


def founding_upload_to(instance, filename):
    return f"founding/{instance.step.case_id}/{instance.step.step}/{filename}"


class FoundingDocument(TimeStampedModel):
    """A document uploaded for a founding step (申请书、批复…). The file lives under MEDIA_ROOT."""

    step = models.ForeignKey(
        FoundingCaseStep, verbose_name=_("步骤"), on_delete=models.CASCADE, related_name="documents"
    )
    doc_type = models.CharField(_("材料类型"), max_length=30, choices=DocumentType.choices)
    file = models.FileField(_("文件"), upload_to=founding_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = user_fk(_("上传人"))

    objects = ScopedManager()
    scope_path_lookup = "step__case__parent_org__path"

    class Meta:
        verbose_name = _("建会材料")
        verbose_name_plural = _("建会材料")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name
