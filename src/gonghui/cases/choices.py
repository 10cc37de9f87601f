from django.db import models
from django.utils.translation import gettext_lazy as _


class HandlingLevel(models.TextChoices):
    """Which union a new case of a type goes to."""

    MEMBER_UNION = "member_union", _("会员所在工会")
    COUNTY = "county", _("县级工会")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已评价关闭")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


# A case in one of these states still waits for someone at the union.
OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS)


class Channel(models.TextChoices):
    ONLINE = "online", _("职工线上提交")
    HALL = "hall", _("服务大厅代办")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    ASSIGNED = "assigned", _("分派")
    REASSIGNED = "reassigned", _("转办")
    ESCALATED = "escalated", _("超期上报")
    OVERDUE = "overdue", _("超期")
    STATUS = "status", _("状态变更")
    REPLY = "reply", _("答复")
    NOTE = "note", _("内部备注")
    ATTACHMENT = "attachment", _("附件")


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class FieldType(models.TextChoices):
    TEXT = "text", _("单行文字")
    TEXTAREA = "textarea", _("多行文字")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("单选")
