from django.db import models
from django.utils.translation import gettext_lazy as _


class FoundingTarget(models.TextChoices):
    ENTERPRISE = "enterprise", _("单独建会")
    JOINT = "joint", _("联合建会（小微企业）")
    PROJECT = "project", _("项目建会")


class FoundingStep(models.TextChoices):
    """模块化建会: the steps in order; none may be skipped."""

    APPLY = "apply", _("申请")
    PREPARE = "prepare", _("筹备")
    ELECT = "elect", _("选举")
    APPROVE = "approve", _("批复")
    ESTABLISH = "establish", _("成立")


STEP_ORDER = list(FoundingStep.values)


class FoundingEventKind(models.TextChoices):
    """The lines of a founding case's timeline (建会过程)."""

    OPENED = "opened", _("发起建会")
    STEP_UPDATED = "step_updated", _("修改步骤")
    DOCUMENT_ADDED = "document_added", _("上传材料")
    SIGNED_OFF = "signed_off", _("签批")
    ESTABLISHED = "established", _("工会成立")
    CANCELLED = "cancelled", _("终止建会")


class FoundingStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    ESTABLISHED = "established", _("已成立")
    CANCELLED = "cancelled", _("已终止")


class DocumentType(models.TextChoices):
    APPLICATION = "application", _("建会申请书")
    PREPARATORY_PLAN = "preparatory_plan", _("筹备组成立及筹备工作方案")
    ELECTION_REPORT = "election_report", _("会员大会选举结果报告")
    APPROVAL = "approval", _("上级工会批复文件")
    REGISTRATION = "registration", _("工会成立登记表")
    OTHER = "other", _("其他材料")


# The document a step cannot be signed off without.
REQUIRED_DOCUMENTS = {
    FoundingStep.APPLY: DocumentType.APPLICATION,
    FoundingStep.PREPARE: DocumentType.PREPARATORY_PLAN,
    FoundingStep.ELECT: DocumentType.ELECTION_REPORT,
    FoundingStep.APPROVE: DocumentType.APPROVAL,
    FoundingStep.ESTABLISH: DocumentType.REGISTRATION,
}
