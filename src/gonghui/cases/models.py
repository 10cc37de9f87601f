import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import org_fk, user_fk
from gonghui.core.history import HistoryEvent
from gonghui.core.labels import display_name
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.validators import mask_phone

from .choices import (
    OPEN_STATUSES,
    CaseStatus,
    Channel,
    EventKind,
    HandlingLevel,
    HolidayKind,
)


class Holiday(models.Model):
    """One exception to the Monday-to-Friday week: a public holiday (休) or a make-up workday on a
    weekend (班). Deadlines in working days are counted with these."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=HolidayKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CaseType(TimeStampedModel):
    """A kind of appeal or service (法律援助, 欠薪, 困难帮扶 ...): who handles it, how fast, and
    the extra questions its form asks (``form_fields``: a list of field specs)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    handling_level = models.CharField(
        _("办理层级"),
        max_length=20,
        choices=HandlingLevel.choices,
        default=HandlingLevel.MEMBER_UNION,
    )
    ack_days = models.PositiveSmallIntegerField(
        _("受理时限（工作日）"), default=2, validators=[MaxValueValidator(60)]
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("办结时限（工作日）"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    form_fields = models.JSONField(_("表单字段"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求类型")
        verbose_name_plural = _("诉求类型")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolve_days__gte=models.F("ack_days")),
                name="casetype_resolve_after_ack",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The seeded types in the reader's language; an officer's own name as typed."""
        return display_name(self.name)

    def clean(self):
        from .forms_spec import validate_field_specs

        super().clean()
        validate_field_specs(self.form_fields)


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class Case(TimeStampedModel):
    """One appeal (诉求) from one member, handled by one union at a time.

    ``version`` is bumped by every change of state, place or deadline: a write names the version
    it was based on, so of two officers acting on the same case at once one wins and the other is
    told (optimistic locking). ``due_on`` is the deadline that matters now (acknowledge while
    submitted, resolve after), so the queue sorts and the escalation job filters on one column.
    """

    # None for a worker who is not (yet) a member: heard all the same, by the phone they signed
    # in with, and routed by where they work (the applicant_* fields).
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
    )
    applicant_name = models.CharField(_("诉求人姓名"), max_length=60, blank=True)
    applicant_phone = models.CharField(_("诉求人手机号"), max_length=11, blank=True, db_index=True)
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    work_place = models.CharField(_("工作地点"), max_length=200, blank=True)
    case_type = models.ForeignKey(
        CaseType, verbose_name=_("诉求类型"), on_delete=models.PROTECT, related_name="cases"
    )
    handling_union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("承办工会"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    submitted_by = user_fk(_("提交人"))
    channel = models.CharField(
        _("渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("诉求内容"), max_length=5000)
    form_data = models.JSONField(_("表单内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_on = models.DateField(_("提交日期"), default=timezone.localdate)
    ack_due = models.DateField(_("受理期限"))
    resolve_due = models.DateField(_("办结期限"))
    due_on = models.DateField(_("当前期限"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    escalation_count = models.PositiveSmallIntegerField(_("上报次数"), default=0)
    # The deadline for which the overdue job last acted: running it twice changes nothing.
    overdue_for = models.DateField(_("已处理的超期期限"), null=True, blank=True)
    reject_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("满意度评分"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)

    objects = CaseQuerySet.as_manager()
    scope_path_lookup = "handling_union__path"
    audit_masked_fields = {"applicant_phone": mask_phone}

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["handling_union", "status", "due_on"]),
            # The queue: open cases in deadline order, read straight off the index.
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status__in=["submitted", "accepted", "in_progress"]),
                name="case_open_by_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name="case_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(applicant_phone=""),
                name="case_member_or_applicant_phone",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"SQ{self.submitted_on:%Y%m%d}{self.pk or 0:06d}"

    @property
    def display_title(self) -> str:
        """A case without its own title is titled with its type's name: shown like the type."""
        return display_name(self.title)

    @property
    def applicant(self) -> str:
        """Who raised the case: the member, or the non-member worker's own name."""
        return self.member.name if self.member_id else self.applicant_name

    @property
    def applicant_phone_masked(self) -> str:
        return self.member.phone_masked if self.member_id else mask_phone(self.applicant_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def answers(self) -> list[tuple[str, str]]:
        labels = {
            spec["name"]: spec.get("label", spec["name"]) for spec in self.case_type.form_fields
        }
        return [
            (display_name(labels.get(name, name)), display_name(value))
            for name, value in self.form_data.items()
        ]

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today


class CaseEvent(HistoryEvent):
    """One line of a case's timeline: submission, each move between unions, each change of
    status, each reply. ``public`` rows are what the worker sees; internal notes are not."""

    case = models.ForeignKey(
        Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=EventKind.choices)
    public = models.BooleanField(_("职工可见"), default=True)
    status_before = models.CharField(_("变更前状态"), max_length=20, blank=True)
    status_after = models.CharField(_("变更后状态"), max_length=20, blank=True)
    from_union = org_fk(_("原承办工会"), null=True, blank=True)
    to_union = org_fk(_("新承办工会"), null=True, blank=True)
    # The case version this event produced (0 for replies, which change no state).
    version = models.PositiveIntegerField(_("版本"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "case__handling_union__path"

    class Meta(HistoryEvent.Meta):
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")

    @property
    def status_after_label(self) -> str:
        return CaseStatus(self.status_after).label if self.status_after else ""


def attachment_upload_to(instance, filename):
    # Never the uploader's file name: the stored name says nothing and cannot traverse.
    return f"private/cases/{instance.case_id}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A photo or PDF attached to a case. Stored under MEDIA_ROOT/private (never served by the
    web server) and delivered only through the scoped download view."""

    case = models.ForeignKey(
        Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    extension = models.CharField(_("扩展名"), max_length=5)
    size = models.PositiveIntegerField(_("大小（字节）"))
    public = models.BooleanField(_("职工可见"), default=True)
    uploaded_by = user_fk(_("上传人"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "case__handling_union__path"

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("cases:attachment", args=[self.pk])


class Notification(models.Model):
    """A message in a user's in-app inbox (站内消息); SMS/e-mail copies go through the backend."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        """Titles are stored in the platform's language (a catalogue entry): shown in the
        reader's."""
        return gettext(self.title)


__all__ = [
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "CaseType",
    "Channel",
    "Holiday",
    "Notification",
]
