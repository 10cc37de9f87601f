import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import org_fk
from gonghui.core.history import HistoryEvent
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.text import search_key
from gonghui.core.validators import mask_phone, validate_mobile, validate_region_code

from .choices import (
    Education,
    EmploymentStatus,
    EventKind,
    EventReason,
    Gender,
    HukouType,
    ImportStatus,
    JoinChannel,
    JoinReview,
    MemberStatus,
    OccupationGroup,
    PoliticalStatus,
    SkillLevel,
    TransferStatus,
)


def validate_not_future_year(value):
    if value > timezone.localdate().year:
        raise ValidationError(_("年份不能晚于今年。"), code="future_year")


def latitude_field(label):
    return models.FloatField(
        label, null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )


def longitude_field(label):
    return models.FloatField(
        label, null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )


class MemberQuerySet(ScopedQuerySet):
    def active(self) -> "MemberQuerySet":
        return self.filter(status=MemberStatus.ACTIVE)

    def in_subtree(self, org) -> "MemberQuerySet":
        return self.filter(union__path__subtree_of=org.path)


class Member(TimeStampedModel):
    """A union member (会员): one person, one record, nationwide.

    The ID-card number is kept only encrypted (``id_card_encrypted``, AES-GCM with a key id so keys
    can rotate) and as a keyed HMAC (``id_card_hash``) whose UNIQUE constraint is what makes "one
    person, one record" hold even for two parallel joins. Lists and exports read ``id_card_masked``
    and never decrypt.
    """

    # No index of its own: the (union, status) index serves every query by union.
    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,
    )
    name = models.CharField(_("姓名"), max_length=60)
    id_card_encrypted = models.CharField(_("身份证号码（加密）"), max_length=200, editable=False)
    id_card_hash = models.CharField(_("身份证号码摘要"), max_length=64, unique=True, editable=False)
    id_card_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    phone = models.CharField(_("手机号码"), max_length=11, validators=[validate_mobile])
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    # The registered enterprise, when known: membership coverage (members / employees) counts
    # through it. The free-text name stays for workers whose employer is not registered.
    employer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    work_place = models.CharField(_("工作地点"), max_length=200, blank=True)
    occupation_group = models.CharField(
        _("职业群体"), max_length=30, choices=OccupationGroup.choices, default=OccupationGroup.OTHER
    )
    home_latitude = latitude_field(_("居住地纬度"))
    home_longitude = longitude_field(_("居住地经度"))
    work_latitude = latitude_field(_("工作地纬度"))
    work_longitude = longitude_field(_("工作地经度"))
    # The real-name record's profile fields: all optional, since a worker joining on a phone
    # gives only what the join form asks; officers complete them later.
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    employment_status = models.CharField(
        _("就业状况"), max_length=20, choices=EmploymentStatus.choices, blank=True
    )
    skill_level = models.CharField(
        _("技能等级"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    hukou_type = models.CharField(
        _("户籍类型"), max_length=20, choices=HukouType.choices, blank=True
    )
    is_migrant_worker = models.BooleanField(_("是否农民工"), null=True, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    job_title = models.CharField(_("工种"), max_length=60, blank=True)
    work_start_year = models.PositiveSmallIntegerField(
        _("参加工作年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1940), validate_not_future_year],
    )
    hukou_region = models.CharField(
        _("户籍地行政区划代码"), max_length=6, blank=True, validators=[validate_region_code]
    )
    residence_region = models.CharField(
        _("现居地行政区划代码"), max_length=6, blank=True, validators=[validate_region_code]
    )
    emergency_contact_name = models.CharField(_("紧急联系人"), max_length=60, blank=True)
    emergency_contact_phone = models.CharField(
        _("紧急联系人电话"), max_length=11, blank=True, validators=[validate_mobile]
    )
    member_number = models.CharField(_("会员编号"), max_length=20, unique=True, editable=False)
    joined_on = models.DateField(_("入会日期"), default=timezone.localdate)
    status = models.CharField(
        _("会籍状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.APPLIED
    )
    channel = models.CharField(
        _("入会方式"), max_length=20, choices=JoinChannel.choices, default=JoinChannel.ONLINE
    )
    # Bumped whenever a card must stop verifying (lapse, reissue): old QR tokens become revoked.
    card_version = models.PositiveIntegerField(_("会员卡版本"), default=1, editable=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("职工账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    # Simplified, lower-cased name and employer: Traditional or Simplified queries both match.
    # Searched by substring: a pg_trgm GIN index on PostgreSQL (members migration), no b-tree.
    search_text = models.CharField(max_length=300, editable=False)
    # Set on a duplicate record merged into another (status "merged"): its history moved there.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )
    # The last four of the ID number and of the phone, indexed: "search by the last digits" is
    # an equality lookup, not a LIKE '%1234' scan.
    id_last4 = models.CharField(max_length=4, editable=False, blank=True)
    phone_last4 = models.CharField(max_length=4, editable=False, blank=True)

    objects = MemberQuerySet.as_manager()
    scope_path_lookup = "union__path"
    # The audit log keeps these masked (core.audit); the ID number is never logged at all.
    audit_masked_fields = {"phone": mask_phone, "emergency_contact_phone": mask_phone}

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["-joined_on", "-id"]
        indexes = [
            models.Index(fields=["union", "status"]),
            models.Index(fields=["status", "occupation_group"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["joined_on"]),
            # Plain b-trees (db_index on a CharField adds a LIKE-pattern twin on PostgreSQL that
            # no query here uses).
            models.Index(fields=["id_last4"]),
            models.Index(fields=["phone_last4"]),
        ]

    def __str__(self):
        return f"{self.name}（{self.member_number}）"

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.pk])

    def fill_derived(self) -> None:
        """The search columns, from the fields they derive from (bulk writes call this too)."""
        self.search_text = search_key(f"{self.name} {self.employer_name}")
        self.id_last4 = (self.id_card_masked or "")[-4:]
        self.phone_last4 = (self.phone or "")[-4:]

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class MemberEvent(HistoryEvent):
    """One change in a membership (会籍变化): join, approval, transfer out/in, retention, removal,
    withdrawal, lapse. The member's history is these rows in order; they are never edited."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("变化类型"), max_length=30, choices=EventKind.choices)
    reason = models.CharField(
        _("原因"), max_length=30, choices=EventReason.choices, blank=True, default=""
    )
    status_before = models.CharField(_("变更前状态"), max_length=20, blank=True)
    status_after = models.CharField(_("变更后状态"), max_length=20, blank=True)
    union = org_fk(_("经办工会"))
    other_union = org_fk(_("对方工会"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "member__union__path"

    class Meta(HistoryEvent.Meta):
        verbose_name = _("会籍变化记录")
        verbose_name_plural = _("会籍变化记录")


class UnionJoinPolicy(models.Model):
    """How a union takes new members: whether it accepts joins at all, and whether an online
    join is approved automatically or waits for an officer. A union without a row accepts joins
    and approves them automatically (minutes, not a month)."""

    union = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("工会"),
        on_delete=models.CASCADE,
        related_name="join_policy",
    )
    accepts_joins = models.BooleanField(_("接受入会申请"), default=True)
    auto_approve = models.BooleanField(_("自动审核通过"), default=True)
    # Two-level review: after this union's officer passes an application, an officer of the
    # union above decides. Only meaningful when ``auto_approve`` is off.
    second_review = models.BooleanField(_("上级工会复审"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "union__path"

    class Meta:
        verbose_name = _("入会设置")
        verbose_name_plural = _("入会设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(second_review=False) | models.Q(auto_approve=False),
                name="join_policy_second_review_needs_review",
            )
        ]

    def __str__(self):
        return str(self.union)

    @property
    def review(self) -> str:
        if self.auto_approve:
            return JoinReview.OPEN
        return JoinReview.TWO_LEVEL if self.second_review else JoinReview.REVIEW


class TransferRequest(models.Model):
    """A move of one member from one union to another (会籍转接): the old union releases, the new
    one (or a union above it) accepts or refuses. The member keeps one record and number."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("转出工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("转入工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    reason = models.CharField(
        _("原因"), max_length=30, choices=EventReason.choices, blank=True, default=""
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    # Decisions belong to the receiving side; the releasing side reads through the selector.
    scope_path_lookup = "to_union__path"

    class Meta:
        verbose_name = _("会籍转接申请")
        verbose_name_plural = _("会籍转接申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="member_one_pending_transfer",
            )
        ]

    def __str__(self):
        return f"{self.member_id}: {self.from_union_id} > {self.to_union_id} ({self.status})"


class PhoneCode(models.Model):
    """A one-time code sent to a phone. Only its keyed hash is stored; a code is good for a few
    minutes and a few attempts, then it is spent."""

    phone = models.CharField(_("手机号码"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    # The ID-number hash of the one join that spent the code: re-submitting that same join (a
    # double tap) is recognised; any other join with the code is refused.
    used_for = models.CharField(_("用于"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at", "-id"]
        # "The phone's latest code for this purpose" is one index probe.
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"])]

    def __str__(self):
        return f"{self.phone[:3]}**** {self.purpose}"


class MemberNumberCounter(models.Model):
    """The last member-number serial handed out, per numbering scope (``name``), on SQLite: one
    ``UPDATE ... RETURNING`` hands out a block (members.rows). PostgreSQL uses a sequence per
    scope instead; the members migration started it after this row's value."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("会员编号计数器")
        verbose_name_plural = _("会员编号计数器")

    def __str__(self):
        return f"{self.name}={self.value}"


def import_upload_path(instance, filename):
    # Rosters and reports hold full ID numbers: private, never under a public URL, and a
    # random name nobody can guess.
    return f"private/member_imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}-{filename}"


class ImportJob(models.Model):
    """One spreadsheet enrolment (批量导入): the uploaded file, its progress, and the error
    report of the rows that did not land."""

    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("导入到工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=import_upload_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增会员"), default=0)
    existing_count = models.PositiveIntegerField(_("已是会员"), default=0)
    error_count = models.PositiveIntegerField(_("错误行数"), default=0)
    changed_count = models.PositiveIntegerField(_("自动修正"), default=0)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    error_report = models.FileField(_("错误报告"), upload_to=import_upload_path, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "union__path"

    class Meta:
        verbose_name = _("会员导入任务")
        verbose_name_plural = _("会员导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
