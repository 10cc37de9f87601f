"""Training courses (流动课堂, 劳动者夜校, 工匠学院), their sessions and the members enrolled."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import latitude_field, longitude_field, org_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import EnrollmentStatus, TrainingKind


class TrainingCourse(TimeStampedModel):
    """A training offer (流动课堂, 劳动者夜校, 工匠学院) run by a union org; sessions are its
    dates."""

    org = org_fk(_("举办工会"), related_name="training_courses")
    kind = models.CharField(_("培训类型"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("课程名称"), max_length=120)
    description = models.TextField(_("课程介绍"), blank=True)
    is_public = models.BooleanField(_("对外公开"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-id"]

    def __str__(self):
        return self.title


class TrainingSession(TimeStampedModel):
    """One class of a course: when, where, how many seats."""

    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("上课地点"), max_length=160)
    latitude = latitude_field()
    longitude = longitude_field()
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "course__org__path"

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.course.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("learning:roster", args=[self.pk])


class Enrollment(TimeStampedModel):
    """A member's place in a session: enrolled, or waiting in line (oldest first), or cancelled."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("场次"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    status = models.CharField(_("状态"), max_length=20, choices=EnrollmentStatus.choices)
    # Waitlist order: when the member joined the line (a cancel-and-rejoin goes to the back).
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "session__course__org__path"

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=~Q(status="cancelled"),
                name="enrollment_one_live_per_member",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]

    def __str__(self):
        return f"{self.member_id} @ {self.session_id} ({self.status})"
