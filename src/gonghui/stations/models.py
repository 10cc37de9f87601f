import secrets

import h3
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.labels import display_name
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from . import hours as hours_lib
from .choices import StationType

# Resolution 8 cells are ~0.7 km²: a few minutes' walk across, fine enough for heat maps and
# coarse enough that a county is a few thousand cells.
H3_RESOLUTION = 8


def new_checkin_token() -> str:
    return secrets.token_urlsafe(12)


class Facility(models.Model):
    """A facility a station may offer (设施): water, toilet, charging... Officers can add more."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("服务设施")
        verbose_name_plural = _("服务设施")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The seeded facilities in the reader's language; an officer's own name as typed."""
        return display_name(self.name)


class StationQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Station(TimeStampedModel):
    """A service position (服务阵地): 职工之家, 劳动驿站, 暖心驿站... run by a union org.

    Coordinates are WGS-84; maps drawn on GCJ-02 tiles get converted coordinates at display time.
    ``h3_cell`` is derived from them on save for heat maps and cell lookups.
    """

    name = models.CharField(_("名称"), max_length=120)
    station_type = models.CharField(_("类型"), max_length=20, choices=StationType.choices)
    operator = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("运营工会"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    address = models.CharField(_("地址"), max_length=255)
    latitude = models.FloatField(
        _("纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("经度"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    h3_cell = models.CharField(_("H3网格"), max_length=16, editable=False, db_index=True)
    facilities = models.ManyToManyField(
        Facility, verbose_name=_("服务设施"), blank=True, related_name="stations"
    )
    capacity = models.PositiveIntegerField(_("可容纳人数"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    checkin_token = models.CharField(
        _("签到码"), max_length=32, unique=True, default=new_checkin_token, editable=False
    )

    objects = StationQuerySet.as_manager()
    scope_path_lookup = "operator__path"

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        ordering = ["operator__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "name"], name="station_name_unique_per_operator"
            )
        ]
        indexes = [
            models.Index(fields=["updated_at"], name="station_updated_idx"),
            models.Index(fields=["is_active", "station_type"], name="station_active_type_idx"),
            # A worker whose first index is still building reads the active stations around a
            # point (index.nearest_where): a latitude band, longitude and id read off the index.
            models.Index(
                fields=["latitude", "longitude", "id"],
                condition=models.Q(is_active=True),
                name="station_active_position_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.h3_cell = h3.latlng_to_cell(self.latitude, self.longitude, H3_RESOLUTION)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stations:detail", args=[self.pk])

    def weekly_intervals(self) -> list[hours_lib.Interval]:
        return [h.as_interval() for h in self.opening_hours.all()]

    def hour_exceptions(self) -> list[hours_lib.Exception_]:
        return [e.as_exception() for e in self.exceptions.all()]

    def is_open_at(self, at) -> bool:
        return hours_lib.is_open(self.weekly_intervals(), self.hour_exceptions(), at)


class OpeningHours(models.Model):
    """One weekly opening interval of a station (营业时间); a day may have several."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(
        _("星期"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    opens = models.TimeField(_("开门时间"))
    # At or before ``opens`` means the interval runs past midnight; 00:00 means midnight.
    closes = models.TimeField(_("关门时间"))

    class Meta:
        verbose_name = _("营业时间")
        verbose_name_plural = _("营业时间")
        ordering = ["weekday", "opens"]

    def __str__(self):
        return f"{hours_lib.WEEKDAY_LABELS.get(self.weekday, '?')} {self.as_interval().label()}"

    def as_interval(self) -> hours_lib.Interval:
        return hours_lib.Interval(self.weekday, self.opens, self.closes)


class HoursException(models.Model):
    """A date range when a station is closed or keeps special hours (节假日、临时闭馆)."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="exceptions"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    closed = models.BooleanField(_("闭馆"), default=True)
    opens = models.TimeField(_("开门时间"), null=True, blank=True)
    closes = models.TimeField(_("关门时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("例外安排")
        verbose_name_plural = _("例外安排")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="station_exception_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.start_date}~{self.end_date}"

    def as_exception(self) -> hours_lib.Exception_:
        return hours_lib.Exception_(
            self.start_date, self.end_date, self.closed, self.opens, self.closes
        )


class StationPhoto(models.Model):
    """A photo of a station shown on its public card."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to="stations/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")
        ordering = ["created_at"]

    def __str__(self):
        return self.caption or self.image.name


class CheckInQuerySet(ScopedQuerySet):
    pass


class CheckIn(models.Model):
    """A visit recorded by scanning a station QR poster (签到): anonymous or a signed-in user."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="checkins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("签到时间"), auto_now_add=True, db_index=True)

    objects = CheckInQuerySet.as_manager()
    scope_path_lookup = "station__operator__path"

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["station", "created_at"], name="checkin_station_time_idx")]

    def __str__(self):
        return f"{self.station_id} {self.created_at:%Y-%m-%d %H:%M}"


class IndexVersion(models.Model):
    """One row: the version of the public station data (stations, their hours, exceptions and
    the facility list). Every write that changes what the public map or "nearest" answers sets a
    fresh random token in the same transaction, so each worker process knows its in-memory index
    is out of date with one primary-key read, and a token is never reused (not even after a
    rolled-back transaction, as a counter would be)."""

    token = models.CharField(_("版本"), max_length=32)
    changed_at = models.DateTimeField(_("更改时间"), auto_now=True)

    class Meta:
        verbose_name = _("驿站索引版本")
        verbose_name_plural = _("驿站索引版本")

    def __str__(self):
        return self.token
