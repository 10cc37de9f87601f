"""Appeal triage: suggestions on cases, officers' confirmed examples, trained models, and the
group-arrears alerts raised when several appeals name one employer within days."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import org_fk, user_fk
from gonghui.core.scoping import ScopedManager, ScopedQuerySet


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")
    LOW = "low", _("咨询")


class Decision(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已采纳")
    CHANGED = "changed", _("已更改")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    MERGED = "merged", _("已合并为群体案件")
    DISMISSED = "dismissed", _("已排除")


class CaseSuggestion(models.Model):
    """What the classifier suggested for one case, and what an officer decided."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="triage"
    )
    case_type_code = models.SlugField(_("建议类型"), max_length=40)
    score = models.FloatField(_("置信度"))
    urgency = models.CharField(_("建议紧急程度"), max_length=10, choices=Urgency.choices)
    urgency_score = models.FloatField(_("紧急程度置信度"))
    closest = models.JSONField(_("相近诉求"), default=list, blank=True)
    model_label = models.CharField(_("模型"), max_length=60, blank=True)
    decision = models.CharField(
        _("处理"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    chosen_type_code = models.SlugField(_("确认类型"), max_length=40, blank=True)
    chosen_urgency = models.CharField(
        _("确认紧急程度"), max_length=10, choices=Urgency.choices, blank=True
    )
    decided_by = user_fk(_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_path_lookup = "case__handling_union__path"

    class Meta:
        verbose_name = _("分拣建议")
        verbose_name_plural = _("分拣建议")

    def __str__(self):
        return f"{self.case_id} {self.case_type_code}"


class Example(models.Model):
    """An officer-confirmed appeal: a training example for the province it belongs to."""

    province = org_fk(_("省级工会"), related_name="triage_examples")
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("诉求"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="triage_example",
    )
    text = models.TextField(_("诉求内容"), max_length=5000)
    case_type_code = models.SlugField(_("类型"), max_length=40)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    created_by = user_fk(_("确认人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_path_lookup = "province__path"

    class Meta:
        verbose_name = _("分拣样本")
        verbose_name_plural = _("分拣样本")
        indexes = [models.Index(fields=["province", "id"])]

    def __str__(self):
        return f"{self.case_type_code}: {self.text[:20]}"


class TrainedModel(models.Model):
    """A province's classifier, retrained in the background when its officers add examples."""

    province = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("省级工会"),
        on_delete=models.CASCADE,
        related_name="triage_model",
    )
    blob = models.BinaryField(_("模型数据"))
    examples = models.PositiveIntegerField(_("样本数"))
    own_examples = models.PositiveIntegerField(_("本省样本数"))
    trained_at = models.DateTimeField(_("训练时间"))

    class Meta:
        verbose_name = _("分拣模型")
        verbose_name_plural = _("分拣模型")

    def __str__(self):
        return f"{self.province_id} {self.trained_at:%Y-%m-%d %H:%M}"


class EmployerMention(models.Model):
    """One appeal naming one employer, by one normalised key (name, credit code or workplace),
    kept per county so the alert rule is one indexed count."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="+"
    )
    county = org_fk(_("县级工会"))
    key = models.CharField(_("单位标识"), max_length=120)
    label = models.CharField(_("单位名称"), max_length=200)
    submitted_on = models.DateField(_("提交日期"))

    class Meta:
        verbose_name = _("涉及单位")
        verbose_name_plural = _("涉及单位")
        indexes = [models.Index(fields=["county", "key", "submitted_on"])]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="triage_mention_once_per_key")
        ]

    def __str__(self):
        return f"{self.key} {self.case_id}"


class AlertQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=AlertStatus.OPEN)


class Alert(models.Model):
    """A possible group wage-arrears case (群体性欠薪): several appeals naming one employer within
    a few days, for the county union to act on before it becomes a protest."""

    county = org_fk(_("县级工会"), related_name="triage_alerts")
    key = models.CharField(_("单位标识"), max_length=120)
    employer = models.CharField(_("单位名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("相关诉求"), related_name="triage_alerts"
    )
    lead_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("群体案件主诉求"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("处理说明"), max_length=500, blank=True)
    first_on = models.DateField(_("最早诉求日期"))
    last_on = models.DateField(_("最近诉求日期"))
    opened_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    closed_by = user_fk(_("处理人"))
    closed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()
    scope_path_lookup = "county__path"

    class Meta:
        verbose_name = _("群体欠薪预警")
        verbose_name_plural = _("群体欠薪预警")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open alert per employer and county, even for two appeals landing at once.
            models.UniqueConstraint(
                fields=["county", "key"],
                condition=models.Q(status="open"),
                name="triage_one_open_alert_per_employer",
            )
        ]

    def __str__(self):
        return self.employer

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("triage:alert", args=[self.pk])
