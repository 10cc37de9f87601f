import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet


class Grain(models.TextChoices):
    TOTAL = "T", _("累计")
    MONTH = "M", _("月")


# The period of a total row (totals have no period; a fixed date keeps the key one shape).
TOTAL_PERIOD = datetime.date(2000, 1, 1)


class Rollup(models.Model):
    """One figure of one org's whole subtree: a metric's total, or its value in one month.

    Written only by the fold (``rollups.fold``), which adds the appended ``FigureDelta`` rows
    into every ancestor of the org they name, and by ``rollups.rebuild`` from the raw tables.
    A reader adds the deltas not yet folded, so what it shows is exact."""

    org_path = models.CharField(_("组织路径"), max_length=255)
    metric = models.CharField(_("指标"), max_length=80)
    grain = models.CharField(_("粒度"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("期间"))
    value = models.BigIntegerField(_("数值"), default=0)

    class Meta:
        verbose_name = _("指标汇总")
        verbose_name_plural = _("指标汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["org_path", "metric", "grain", "period"], name="brain_rollup_one_key"
            )
        ]

    def __str__(self):
        return f"{self.org_path} {self.metric} {self.grain}{self.period:%Y-%m} = {self.value}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


class AnnualReportQuerySet(ScopedQuerySet):
    pass


class AnnualReport(TimeStampedModel):
    """A grassroots union's annual statistics report (统计年报, after the 基层工会调查表 of
    国统制〔2019〕107号) for the reference period 1 October of the previous year to 30 September.

    ``cover`` holds the union's code, name, region code and type, ``figures`` the rows filled
    from the data, both taken when the report is drafted and again when it is submitted;
    ``typed`` the rows the data lacks, typed by the union (the layout: ``brain.annual``). An
    approved report is locked: it can no longer change."""

    union = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("基层工会"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    cover = models.JSONField(_("封面"), default=dict, blank=True)
    figures = models.JSONField(_("系统生成数据"), default=dict, blank=True)
    typed = models.JSONField(_("填报数据"), default=dict, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AnnualReportQuerySet.as_manager()
    scope_path_lookup = "union__path"

    class Meta:
        verbose_name = _("统计年报")
        verbose_name_plural = _("统计年报")
        ordering = ["-year", "union__path"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="brain_one_report_a_year")
        ]

    def __str__(self):
        return f"{self.union} {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED
