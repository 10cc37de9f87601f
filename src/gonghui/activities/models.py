"""Activities and benefits: campaigns and who received what, training, jobs and discounts,
contests and craftsmen, collective bargaining and worker congresses.

Every row reaches an org path through ``scope_path_lookup``; reports are counts over these rows.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.validators import mask_phone
from gonghui.members.choices import OccupationGroup

from .choices import (
    AgreementLevel,
    CampaignKind,
    CraftsmanStatus,
    DiscountCategory,
    EnrollmentStatus,
    JobCategory,
    LetterKind,
    ProcedureStatus,
    ReviewStatus,
    TargetGender,
    TrainingKind,
)


def org_fk(label, related_name="+"):
    return models.ForeignKey(
        "organizations.Organization",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def officer_fk(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def latitude_field():
    return models.FloatField(
        _("纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )


def longitude_field():
    return models.FloatField(
        _("经度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


# ---- Campaigns ---------------------------------------------------------------------------------


class CustomCampaignKind(TimeStampedModel):
    """A campaign kind an officer defines beyond the 四送 (e.g. 送法律, 金秋助学)."""

    org = org_fk(_("定义工会"))
    name = models.CharField(_("名称"), max_length=60)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("自定义活动类型")
        verbose_name_plural = _("自定义活动类型")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="custom_kind_unique_per_org")
        ]

    def __str__(self):
        return self.name


class Campaign(TimeStampedModel):
    """A benefit campaign (送清凉, 送温暖, 送体检, 送文化 ...) organised by one union org for
    target groups of workers, with a budget and items to hand out."""

    organizer = org_fk(_("主办工会"), related_name="campaigns")
    name = models.CharField(_("活动名称"), max_length=120)
    kind = models.CharField(_("活动类型"), max_length=20, choices=CampaignKind.choices)
    custom_kind = models.ForeignKey(
        CustomCampaignKind,
        verbose_name=_("自定义类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    # Occupation group codes (members.OccupationGroup); empty means every group.
    target_groups = models.JSONField(_("服务对象群体"), default=list, blank=True)
    target_gender = models.CharField(
        _("性别要求"), max_length=1, choices=TargetGender.choices, blank=True, default=""
    )
    budget = models.DecimalField(
        _("预算（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    allow_repeat = models.BooleanField(
        _("允许重复领取"), default=False, help_text=_("勾选后同一会员可多次领取同一物资。")
    )
    description = models.TextField(_("说明"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "organizer__path"

    class Meta:
        verbose_name = _("普惠活动")
        verbose_name_plural = _("普惠活动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:campaign-detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        if self.kind == CampaignKind.CUSTOM and self.custom_kind_id:
            return self.custom_kind.name
        return self.get_kind_display()

    def is_for(self, member) -> bool:
        """Whether ``member`` is among the campaign's target groups (a hint, not a rule: an
        officer may still hand the item to someone else in need)."""
        if self.target_groups and member.occupation_group not in self.target_groups:
            return False
        return not (self.target_gender and member.gender != self.target_gender)

    def target_group_labels(self) -> list[str]:
        labels = dict(OccupationGroup.choices)
        return [str(labels.get(code, code)) for code in self.target_groups]


class CampaignItem(TimeStampedModel):
    """One thing a campaign hands out (防暑降温物资, 车载急救包, 体检套餐) and how many were
    bought."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("物资名称"), max_length=80)
    quantity = models.PositiveIntegerField(_("计划数量"), default=0)
    unit = models.CharField(_("单位"), max_length=10, default="份")

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "campaign__organizer__path"

    class Meta:
        verbose_name = _("活动物资")
        verbose_name_plural = _("活动物资")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="item_name_unique_per_campaign"
            )
        ]

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """One hand-over: who received which item of a campaign, when, where, from which officer.

    A member (or a non-member identified by phone) receives an item once: the partial unique
    constraints hold that even for two officers scanning the same card at once. A further
    delivery is possible only as an explicit repeat (the campaign allows it, or an officer gave a
    reason), which is recorded as such.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="deliveries"
    )
    item = models.ForeignKey(
        CampaignItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="deliveries"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    # Non-member beneficiaries (not yet in the union) are known by name and phone.
    beneficiary_name = models.CharField(_("受益人姓名"), max_length=60, blank=True)
    beneficiary_phone = models.CharField(_("受益人电话"), max_length=11, blank=True)
    # Copied from the member at delivery time: reports count groups as they were then.
    occupation_group = models.CharField(
        _("职业群体"), max_length=30, choices=OccupationGroup.choices, default=OccupationGroup.OTHER
    )
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1, validators=[MinValueValidator(1)])
    delivered_at = models.DateTimeField(_("发放时间"), default=timezone.now, db_index=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("服务阵地"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    site = models.CharField(_("发放地点"), max_length=120, blank=True)
    officer = officer_fk(_("经办人"))
    officer_label = models.CharField(_("经办人名称"), max_length=150, blank=True)
    is_repeat = models.BooleanField(_("重复领取"), default=False)
    override_reason = models.CharField(_("重复发放原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "campaign__organizer__path"
    # The audit log keeps these masked (core.audit).
    audit_masked_fields = {"beneficiary_phone": mask_phone}

    class Meta:
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")
        ordering = ["-delivered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "item", "member"],
                condition=Q(member__isnull=False, is_repeat=False),
                name="delivery_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["campaign", "item", "beneficiary_phone"],
                condition=Q(member__isnull=True, is_repeat=False),
                name="delivery_once_per_nonmember_phone",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(beneficiary_name=""),
                name="delivery_has_beneficiary",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "occupation_group"])]

    def __str__(self):
        return f"{self.item_id} > {self.beneficiary_label}"

    @property
    def beneficiary_label(self) -> str:
        return self.member.name if self.member_id else self.beneficiary_name

    @property
    def place_label(self) -> str:
        return self.station.name if self.station_id else self.site

    @property
    def invite_url(self) -> str | None:
        """Where a non-member beneficiary joins the union (the public join flow)."""
        if self.member_id:
            return None
        query = urlencode({"name": self.beneficiary_name, "phone": self.beneficiary_phone})
        return f"{reverse('members:join')}?{query}"


# ---- Training ----------------------------------------------------------------------------------


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
        return reverse("activities:training-session", args=[self.pk])


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


# ---- Jobs and discounts ------------------------------------------------------------------------


class JobPosting(TimeStampedModel):
    """A job opening (找岗位) posted by a union org for a partner employer; gone after expiry."""

    org = org_fk(_("发布工会"), related_name="job_postings")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("用工企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("岗位名称"), max_length=120)
    employer = models.CharField(_("用人单位"), max_length=200)
    category = models.CharField(_("岗位类别"), max_length=20, choices=JobCategory.choices)
    pay_min = models.PositiveIntegerField(_("月薪下限（元）"))
    pay_max = models.PositiveIntegerField(_("月薪上限（元）"))
    place = models.CharField(_("工作地点"), max_length=200)
    latitude = latitude_field()
    longitude = longitude_field()
    contact = models.CharField(_("联系方式"), max_length=100)
    description = models.TextField(_("岗位说明"), blank=True)
    expires_on = models.DateField(_("截止日期"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_max__gte=models.F("pay_min")), name="job_pay_range_ordered"
            )
        ]
        indexes = [models.Index(fields=["expires_on", "category"])]

    def __str__(self):
        return f"{self.title}（{self.employer}）"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class Discount(TimeStampedModel):
    """A member discount (消费优惠) a merchant offers through a union org, for a period."""

    org = org_fk(_("发布工会"), related_name="discounts")
    merchant = models.CharField(_("商家"), max_length=200)
    offer = models.CharField(_("优惠内容"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=DiscountCategory.choices)
    valid_from = models.DateField(_("开始日期"))
    valid_until = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=200)
    latitude = latitude_field()
    longitude = longitude_field()

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("会员优惠")
        verbose_name_plural = _("会员优惠")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="discount_valid_until_after_from",
            )
        ]
        indexes = [models.Index(fields=["valid_until", "category"])]

    def __str__(self):
        return f"{self.merchant}：{self.offer}"


# ---- Contests and craftsmen --------------------------------------------------------------------


class Contest(TimeStampedModel):
    """A labour and skills contest (劳动和技能竞赛) with its score range."""

    org = org_fk(_("主办工会"), related_name="contests")
    name = models.CharField(_("竞赛名称"), max_length=160)
    trade = models.CharField(_("工种/项目"), max_length=80, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    score_min = models.DecimalField(_("最低分"), max_digits=7, decimal_places=2, default=0)
    score_max = models.DecimalField(_("最高分"), max_digits=7, decimal_places=2, default=100)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("劳动和技能竞赛")
        verbose_name_plural = _("劳动和技能竞赛")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_max__gt=models.F("score_min")), name="contest_score_range"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contest_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:contest-detail", args=[self.pk])


class ContestRound(models.Model):
    """A round of a contest (初赛, 复赛, 决赛)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(_("轮次名称"), max_length=60)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "contest__org__path"

    class Meta:
        verbose_name = _("竞赛轮次")
        verbose_name_plural = _("竞赛轮次")
        ordering = ["contest", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="round_name_unique")
        ]

    def __str__(self):
        return self.name


class ContestEntry(models.Model):
    """One contestant's entry (a member, or a worker named by text)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contest_entries",
    )
    name = models.CharField(_("参赛人"), max_length=60)
    employer = models.CharField(_("单位"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "contest__org__path"

    class Meta:
        verbose_name = _("参赛报名")
        verbose_name_plural = _("参赛报名")
        ordering = ["contest", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "member"],
                condition=Q(member__isnull=False),
                name="entry_once_per_member",
            )
        ]

    def __str__(self):
        return self.name


class ContestScore(models.Model):
    """An entry's score in one round; the contest's range bounds it."""

    round = models.ForeignKey(
        ContestRound, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="scores"
    )
    entry = models.ForeignKey(
        ContestEntry, verbose_name=_("参赛报名"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.DecimalField(_("成绩"), max_digits=7, decimal_places=2)
    judge = officer_fk(_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "round__contest__org__path"

    class Meta:
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        ordering = ["round", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="score_once_per_round")
        ]

    def __str__(self):
        return f"{self.entry_id}@{self.round_id}: {self.score}"


class Craftsman(TimeStampedModel):
    """A craftsman candidate (工匠) going through nomination > review > public notice > award."""

    org = org_fk(_("评选工会"), related_name="craftsmen")
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=60)
    employer = models.CharField(_("单位"), max_length=200)
    trade = models.CharField(_("工种/领域"), max_length=80)
    title = models.CharField(_("称号"), max_length=60, default="工匠")
    year = models.PositiveSmallIntegerField(_("评选年度"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CraftsmanStatus.choices,
        default=CraftsmanStatus.NOMINATED,
    )
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    awarded_on = models.DateField(_("命名日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工匠")
        verbose_name_plural = _("工匠")
        ordering = ["-year", "name"]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self):
        return f"{self.title} {self.name}"


class CraftsmanStudio(TimeStampedModel):
    """A craftsman (innovation) studio (工匠/劳模创新工作室)."""

    org = org_fk(_("认定工会"), related_name="craftsman_studios")
    name = models.CharField(_("工作室名称"), max_length=160)
    leader = models.ForeignKey(
        Craftsman,
        verbose_name=_("领衔工匠"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studios",
    )
    leader_name = models.CharField(_("领衔人"), max_length=60, blank=True)
    enterprise_name = models.CharField(_("所在单位"), max_length=200, blank=True)
    established_on = models.DateField(_("认定日期"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工匠工作室")
        verbose_name_plural = _("工匠工作室")
        ordering = ["-established_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="studio_name_unique_per_org")
        ]

    def __str__(self):
        return self.name


# ---- Collective bargaining and democratic management ------------------------------------------


class WageAgreement(TimeStampedModel):
    """A collective wage agreement (工资集体协议) of one enterprise, or of a region or industry
    (then ``enterprise`` is empty and ``org`` is the regional or industry union)."""

    org = org_fk(_("工会方"), related_name="wage_agreements")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("协议类型"), max_length=20, choices=AgreementLevel.choices)
    title = models.CharField(_("协议名称"), max_length=200)
    employer_party = models.CharField(_("企业（行业）方"), max_length=200)
    worker_party = models.CharField(_("职工方"), max_length=200)
    rounds = models.PositiveSmallIntegerField(_("协商轮次"), default=1)
    increase_pct = models.DecimalField(
        _("工资增幅（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
    )
    covered_workers = models.PositiveIntegerField(_("覆盖职工人数"), default=0)
    signed_on = models.DateField(_("签订日期"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("终止日期"))
    review_status = models.CharField(
        _("人社部门审查"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_SUBMITTED,
    )
    reviewed_on = models.DateField(_("审查日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("工资集体协议")
        verbose_name_plural = _("工资集体协议")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until


class BargainingProcedure(TimeStampedModel):
    """The 一函两书 procedure with one employer: letters with deadlines until the employer agrees
    to bargain or the matter is passed to the authorities."""

    org = org_fk(_("发起工会"), related_name="bargaining_procedures")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.OPEN
    )
    agreement = models.ForeignKey(
        WageAgreement,
        verbose_name=_("达成的协议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("一函两书")
        verbose_name_plural = _("一函两书")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.enterprise_id} ({self.status})"


class BargainingLetter(models.Model):
    """One letter of a 一函两书 procedure, with the date the other side must answer by."""

    procedure = models.ForeignKey(
        BargainingProcedure,
        verbose_name=_("程序"),
        on_delete=models.CASCADE,
        related_name="letters",
    )
    kind = models.CharField(_("文书"), max_length=20, choices=LetterKind.choices)
    sent_on = models.DateField(_("日期"))
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    note = models.CharField(_("摘要"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "procedure__org__path"

    class Meta:
        verbose_name = _("协商文书")
        verbose_name_plural = _("协商文书")
        ordering = ["procedure", "sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "kind"], name="letter_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sent_on}"


class WorkerCongress(TimeStampedModel):
    """An enterprise's worker congress (职代会) for one term; sessions held are its meetings.
    An enterprise with a congress whose term covers a day counts as 已建制 on that day."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The street/park org the enterprise lies in, copied so scoping is one hop like the rest.
    org = org_fk(_("所属街道/园区工会"), related_name="worker_congresses")
    term_number = models.PositiveSmallIntegerField(_("届次"), default=1)
    term_starts_on = models.DateField(_("本届开始"))
    term_ends_on = models.DateField(_("本届结束"))
    delegates = models.PositiveIntegerField(_("职工代表人数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("职工代表大会")
        verbose_name_plural = _("职工代表大会")
        ordering = ["-term_starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                name="congress_term_ordered",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "term_number"], name="congress_term_unique"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} 第{self.term_number}届"


class CongressSession(models.Model):
    """One meeting (会议) of a worker congress."""

    congress = models.ForeignKey(
        WorkerCongress, verbose_name=_("职代会"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("召开日期"))
    attendees = models.PositiveIntegerField(_("到会代表"), default=0)
    resolutions = models.TextField(_("审议事项"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "congress__org__path"

    class Meta:
        verbose_name = _("职代会会议")
        verbose_name_plural = _("职代会会议")
        ordering = ["congress", "held_on"]

    def __str__(self):
        return f"{self.congress_id} {self.held_on}"
