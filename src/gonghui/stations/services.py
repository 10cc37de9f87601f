"""Every write to stations: keyword-only, ``actor=``, scope checked, validated, audited, atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.choices import Role
from gonghui.core import audit, figures
from gonghui.core.geometry import in_china
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM, Action, require_in_scope
from gonghui.organizations.models import Organization

from . import hours as hours_lib
from . import photos
from .display import needs_gcj02
from .index import bump_version
from .models import CheckIn, Facility, HoursException, OpeningHours, Station, StationPhoto

EDITABLE_FIELDS = (
    "name",
    "station_type",
    "address",
    "latitude",
    "longitude",
    "capacity",
    "contact_name",
    "contact_phone",
    "description",
    "is_active",
)


def _snapshot(station: Station) -> dict:
    values = audit.snapshot(station)
    values.pop("updated_at", None)
    values["facilities"] = sorted(station.facilities.values_list("code", flat=True))
    values["hours"] = hours_lib.format_weekly(station.weekly_intervals())
    return values


def facilities_from_codes(codes: Iterable[str], field: str = "facilities") -> list[Facility]:
    codes = [c.strip() for c in codes if c and c.strip()]
    found = {f.code: f for f in Facility.objects.filter(code__in=codes)}
    found.update({f.name: f for f in Facility.objects.filter(name__in=codes)})
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("未知的服务设施：%(codes)s") % {"codes": "、".join(unknown)}}
        )
    return list({found[c].pk: found[c] for c in codes}.values())


def weekly_from_input(value, field: str = "hours") -> list[hours_lib.Interval]:
    """Text (``"周一至周五 08:00-18:00"``) or a list of ``{weekday, opens, closes}``."""
    try:
        if value is None:
            return []
        if isinstance(value, str):
            return hours_lib.parse_weekly(value)
        intervals = []
        for item in value:
            if isinstance(item, hours_lib.Interval):
                intervals.append(item)
                continue
            weekday = int(item["weekday"])
            if not 1 <= weekday <= 7:
                raise hours_lib.HoursError(_("星期必须是 1（周一）到 7（周日）。"))
            opens = item["opens"]
            closes = item["closes"]
            intervals.append(
                hours_lib.Interval(
                    weekday,
                    opens if isinstance(opens, dt.time) else hours_lib.parse_time(opens),
                    closes
                    if isinstance(closes, dt.time)
                    else hours_lib.parse_time(closes, closing=True),
                )
            )
        intervals = sorted(set(intervals))
        hours_lib.check_weekly(intervals)
        return intervals
    except hours_lib.HoursError as exc:
        raise ValidationError({field: str(exc)}) from None


def validate_station(station: Station) -> None:
    errors: dict[str, list[str]] = {}
    try:
        station.full_clean(exclude=["checkin_token"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    lat, lon = station.latitude, station.longitude
    if (
        needs_gcj02()
        and isinstance(lat, float | int)
        and isinstance(lon, float | int)
        and "latitude" not in errors
        and "longitude" not in errors
        and not in_china(lat, lon)
    ):
        message = _("当前地图使用GCJ-02坐标，只能标注中国境内的位置。")
        errors["latitude"] = [message]
        errors["longitude"] = [message]
    if errors:
        raise ValidationError(errors)


def _write_hours(station: Station, weekly: Sequence[hours_lib.Interval]) -> None:
    station.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(station=station, weekday=i.weekday, opens=i.opens, closes=i.closes)
        for i in weekly
    )


@transaction.atomic
def station_create(
    *,
    actor,
    operator: Organization,
    facilities: Iterable[str] = (),
    hours=None,
    **fields,
) -> Station:
    require_in_scope(actor, operator.path, Action.CHANGE)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    facility_rows = facilities_from_codes(facilities)
    weekly = weekly_from_input(hours)
    station = Station(operator=operator, **fields)
    validate_station(station)
    station.save()
    station.facilities.set(facility_rows)
    _write_hours(station, weekly)
    bump_version()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=station,
        org_path=operator.path,
        changes=audit.diff({}, _snapshot(station)),
    )
    return station


@transaction.atomic
def station_update(
    *, actor, station: Station, facilities: Iterable[str] | None = None, hours=None, **fields
) -> Station:
    require_in_scope(actor, station.operator.path, Action.CHANGE)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    station = Station.objects.select_for_update().select_related("operator").get(pk=station.pk)
    before = _snapshot(station)
    facility_rows = facilities_from_codes(facilities) if facilities is not None else None
    weekly = weekly_from_input(hours) if hours is not None else None
    for name, value in fields.items():
        setattr(station, name, value)
    validate_station(station)
    planned = audit.snapshot(station)
    planned.pop("updated_at", None)
    planned["facilities"] = (
        sorted(f.code for f in facility_rows) if facility_rows is not None else before["facilities"]
    )
    planned["hours"] = hours_lib.format_weekly(weekly) if weekly is not None else before["hours"]
    if planned == before:
        # Nothing to write: re-imports stay no-ops and the nearest index stays warm.
        return station
    station.save()
    if facility_rows is not None:
        station.facilities.set(facility_rows)
    if weekly is not None:
        _write_hours(station, weekly)
    bump_version()
    changes = audit.diff(before, _snapshot(station))
    if changes:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=station,
            org_path=station.operator.path,
            changes=changes,
        )
    return station


@transaction.atomic
def station_add_exception(
    *,
    actor,
    station: Station,
    start_date: dt.date,
    end_date: dt.date,
    closed: bool = True,
    opens=None,
    closes=None,
    note: str = "",
) -> HoursException:
    require_in_scope(actor, station.operator.path, Action.CHANGE)
    station = Station.objects.select_for_update().select_related("operator").get(pk=station.pk)
    try:
        if isinstance(opens, str) and opens:
            opens = hours_lib.parse_time(opens)
    except hours_lib.HoursError as exc:
        raise ValidationError({"opens": str(exc)}) from None
    try:
        if isinstance(closes, str) and closes:
            closes = hours_lib.parse_time(closes, closing=True)
    except hours_lib.HoursError as exc:
        raise ValidationError({"closes": str(exc)}) from None
    opens = opens or None
    closes = closes if closes not in ("",) else None
    if closed:
        opens = closes = None
    item = hours_lib.Exception_(start_date, end_date, closed, opens, closes)
    try:
        hours_lib.check_exceptions([item])
    except hours_lib.HoursError as exc:
        field = "end_date" if end_date < start_date else "opens"
        raise ValidationError({field: str(exc)}) from None
    try:
        hours_lib.check_exceptions([*station.hour_exceptions(), item])
    except hours_lib.HoursError as exc:
        raise ValidationError({"start_date": str(exc)}) from None
    exception = HoursException(
        station=station,
        start_date=start_date,
        end_date=end_date,
        closed=closed,
        opens=opens,
        closes=closes,
        note=note,
    )
    exception.full_clean()
    exception.save()
    station.save(update_fields=["updated_at"])
    bump_version()  # the nearest-station index keys on this
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=station,
        org_path=station.operator.path,
        changes={"exceptions": [None, audit.snapshot(exception)]},
    )
    return exception


@transaction.atomic
def station_remove_exception(*, actor, exception: HoursException) -> None:
    station = exception.station
    require_in_scope(actor, station.operator.path, Action.CHANGE)
    snapshot = audit.snapshot(exception)
    exception.delete()
    station.save(update_fields=["updated_at"])
    bump_version()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=station,
        org_path=station.operator.path,
        changes={"exceptions": [snapshot, None]},
    )


@transaction.atomic
def station_add_photo(*, actor, station: Station, image, caption: str = "") -> StationPhoto:
    require_in_scope(actor, station.operator.path, Action.CHANGE)
    # Re-encoded without EXIF/GPS and within the size caps, or a field error (stations.photos).
    image = photos.clean_photo(image)
    photo = StationPhoto(station=station, image=image, caption=caption)
    photo.full_clean()
    photo.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=station,
        org_path=station.operator.path,
        changes={"photos": [None, photo.image.name]},
    )
    return photo


def may_add_facilities(user) -> bool:
    """Superusers and national-level officers (and the system) may; nobody else."""

    if user is SYSTEM:
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(
        getattr(user, "is_superuser", False)
        or getattr(user, "role", None) in (Role.SUPERUSER, Role.NATIONAL_OFFICER)
    )


@transaction.atomic
def facility_create(*, actor, code: str, name: str) -> Facility:
    """National officers extend the facility list; the list is shared by every station in the
    country (and the public map's filter), so a county officer cannot add to it."""
    if not may_add_facilities(actor):
        raise PermissionDenied(_("只有全国总工会干部或超级管理员可以添加服务设施。"))
    last = Facility.objects.order_by("-sort_order").first()
    facility = Facility(
        code=code.strip(), name=name.strip(), sort_order=(last.sort_order + 10) if last else 0
    )
    facility.full_clean()
    facility.save()
    bump_version()  # the public facility list is cached with the index
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=facility,
        org_path="",
        changes=audit.diff({}, audit.snapshot(facility)),
    )
    return facility


def facilities_seed() -> int:
    """The default facility list (the data migration does the same); idempotent."""
    from .choices import DEFAULT_FACILITIES

    created = 0
    for order, (code, name) in enumerate(DEFAULT_FACILITIES):
        _facility, made = Facility.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )
        created += made
    if created:
        bump_version()
    return created


# A second scan by the same person within this window is the same visit.
CHECKIN_WINDOW = dt.timedelta(minutes=30)


def checkin_record(*, station: Station, user=None) -> tuple[CheckIn, bool]:
    """A visit: (record, created). Not audited: it is itself the record, and anonymous visitors
    are the norm. A signed-in user scanning again within the window gets their earlier visit."""
    from django.utils import timezone

    if not station.is_active:
        raise ValidationError({"station": _("该服务阵地已停用。")})
    user = user if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) else None
    if user is not None:
        recent = (
            CheckIn.objects.filter(
                station=station, user=user, created_at__gte=timezone.now() - CHECKIN_WINDOW
            )
            .order_by("-created_at")
            .first()
        )
        if recent is not None:
            return recent, False
    with transaction.atomic():
        checkin = CheckIn.objects.create(station=station, user=user)
        figures.record(org_path=station.operator.path, metric="s.checkin", day=checkin.created_at)
    return checkin, True
