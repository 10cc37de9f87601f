"""Station endpoints. Public (auth=None): the map, nearest, facilities, place lookup, check-in.
Officers: scoped list, detail, create, update, exceptions, usage, coverage."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core import ratelimit
from gonghui.core.api import public_caller
from gonghui.core.scoping import Action
from gonghui.organizations.selectors import org_for_field, org_get

from . import hours as hours_lib
from . import selectors, services
from .choices import CoverageBasis, StationType, TravelMode
from .display import coordinate_system, directions_url, display_coords
from .models import Station
from .reports import coverage_payload

router = Router(tags=["stations"])


class FacilityOut(Schema):
    code: str
    name: str


def _station_public(point, at, distance=None, open_now=None, state=None, memo=None) -> dict:
    """A station as the public sees it, from the index (no query per station)."""
    display_lat, display_lon = display_coords(point.latitude, point.longitude)
    state = state or selectors.point_state(point, at, memo)
    return {
        "id": point.id,
        "name": point.name,
        "station_type": point.station_type,
        "station_type_label": str(StationType(point.station_type).label),
        "operator": point.operator,
        "address": point.address,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "display_latitude": display_lat,
        "display_longitude": display_lon,
        "facilities": sorted(point.facilities),
        "open_now": point.is_open(at) if open_now is None else open_now,
        "today_hours": hours_lib.today_label(point.weekly, point.exceptions, at),
        "hours": hours_lib.format_weekly(point.weekly),
        "contact_phone": point.contact_phone,
        "capacity": point.capacity,
        "directions_url": directions_url(point.latitude, point.longitude, point.name),
        "distance_m": None if distance is None else round(distance, 1),
        "state": state.state,
        "state_label": state.label(at),
        "opens_at": state.opens_at,
        "closes_at": state.closes_at,
    }


class StationPublicOut(Schema):
    id: int
    name: str
    station_type: str
    station_type_label: str
    operator: str
    address: str
    latitude: float
    longitude: float
    display_latitude: float
    display_longitude: float
    facilities: list[str]
    open_now: bool
    today_hours: str
    hours: str
    contact_phone: str
    capacity: int | None
    directions_url: str
    distance_m: float | None
    state: str = Field(..., description="open / opens_later（今天晚些时候开门）/ closed_today")
    state_label: str = Field(..., description="例如“07:00 开门”")
    opens_at: datetime.datetime | None = Field(None, description="未营业时：下次开门时间")
    closes_at: datetime.datetime | None = Field(
        None, description="营业中：关门时间；24小时开放则为空"
    )


class ClusterOut(Schema):
    cell: str = Field(..., description="H3 网格编号")
    count: int
    open_count: int = Field(..., description="其中正在营业的驿站数")
    display_latitude: float
    display_longitude: float


class MapOut(Schema):
    coordinate_system: str
    stations: list[StationPublicOut]
    zoom: int | None = Field(None, description="请求的缩放级别；未给出时 stations 为全部驿站")
    resolution: int | None = Field(None, description="聚合所用的 H3 分辨率；为空表示逐个驿站")
    total: int = Field(0, description="范围内（符合筛选条件）的驿站总数")
    clusters: list[ClusterOut] = []
    extent: list[float] | None = Field(
        None, description="全部启用驿站的范围：南,西,北,东（显示坐标）"
    )


class NearestQuery(Schema):
    lat: float = Field(..., ge=-90, le=90, description="WGS-84 纬度")
    lon: float = Field(..., ge=-180, le=180, description="WGS-84 经度")
    k: int = Field(5, ge=1, le=selectors.NEAREST_MAX_K)
    open_now: bool = False
    facility: list[str] = Field([], description="设施代码，可重复或以逗号分隔，须全部具备")
    station_type: StationType | None = None
    within_km: float | None = Field(
        None,
        gt=0,
        le=selectors.NEAR_MAX_KM,
        description="只找这个距离（公里）以内的驿站；默认为 NEAR_ME_KM 设置（20）",
    )


class PointOut(Schema):
    display_latitude: float
    display_longitude: float


class NearestOut(Schema):
    coordinate_system: str
    origin: PointOut
    stations: list[StationPublicOut]
    within_km: float
    message: str = Field(..., description="范围内没有（营业的）驿站时的说明，否则为空")
    later: list[StationPublicOut] = Field(
        ..., description="要求营业中而范围内没有时：范围内最近的驿站及开门时间"
    )


class PlaceOut(Schema):
    latitude: float
    longitude: float
    label: str


def _facility_codes(raw: list[str]) -> list[str]:
    codes = [c.strip() for item in raw for c in item.split(",") if c.strip()]
    known = selectors.facility_codes()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"facility": _("未知的服务设施：%(codes)s") % {"codes": "、".join(unknown)}}
        )
    return codes


@router.get("/stations/facilities", auth=None, response=list[FacilityOut])
def list_facilities(request):
    return list(selectors.facility_list())


class MapQuery(Schema):
    bbox: str | None = Field(
        None,
        description="south,west,north,east（WGS-84）；不填则返回全部启用的驿站（不给 zoom 时）",
    )
    zoom: int | None = Field(
        None,
        ge=0,
        le=22,
        description="地图缩放级别：给出时按范围返回，13 级以下按 H3 网格聚合（clusters）",
    )
    open_now: bool = False
    facility: list[str] = Field([], description="设施代码，须全部具备（给出 zoom 时有效）")
    station_type: StationType | None = None


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        south, west, north, east = (float(part) for part in text.split(","))
    except ValueError:
        raise ValidationError({"bbox": _("请写成“南纬,西经,北纬,东经”四个数字。")}) from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise ValidationError({"bbox": _("范围无效。")})
    return south, west, north, east


@router.get("/stations/map", auth=None, response=MapOut)
def station_map(request, params: Query[MapQuery]):
    """With ``zoom`` the map loads what is visible: the stations in ``bbox``, or clusters of them
    per H3 cell below zoom 13, so a country view of 10^5 stations is a few hundred circles."""
    at = timezone.now()
    if params.zoom is not None:
        return _map_view(params, at)
    points = selectors.map_points(bbox=_bbox(params.bbox))
    memo: dict = {}
    return {
        "coordinate_system": coordinate_system(),
        "stations": [_station_public(p, at, memo=memo) for p in points],
    }


def _map_view(params: MapQuery, at) -> dict:
    view = selectors.map_view(
        bbox=_bbox(params.bbox) or (-90.0, -180.0, 90.0, 180.0),
        zoom=params.zoom,
        open_now=params.open_now,
        facilities=_facility_codes(params.facility),
        station_type=params.station_type,
        at=at,
    )
    memo: dict = {}
    clusters = []
    for cluster in view.clusters:
        lat, lon = display_coords(cluster.latitude, cluster.longitude)
        clusters.append(
            {
                "cell": cluster.cell,
                "count": cluster.count,
                "open_count": view.open_counts.get(cluster.cell, 0),
                "display_latitude": lat,
                "display_longitude": lon,
            }
        )
    extent = None
    if view.extent:
        south, west = display_coords(view.extent[0], view.extent[1])
        north, east = display_coords(view.extent[2], view.extent[3])
        extent = [south, west, north, east]
    return {
        "coordinate_system": coordinate_system(),
        "zoom": params.zoom,
        "resolution": view.resolution,
        "total": view.total,
        "clusters": clusters,
        "stations": [_station_public(p, at, memo=memo) for p in view.points],
        "extent": extent,
    }


@router.get("/stations/nearest", auth=None, response=NearestOut)
def station_nearest(request, params: Query[NearestQuery]):
    codes = _facility_codes(params.facility)
    at = timezone.now()
    near = selectors.near_me(
        lat=params.lat,
        lon=params.lon,
        k=params.k,
        within_km=params.within_km,
        open_now=params.open_now,
        facilities=codes,
        station_type=params.station_type,
        at=at,
    )
    origin_lat, origin_lon = display_coords(params.lat, params.lon)
    return {
        "coordinate_system": coordinate_system(),
        "origin": {"display_latitude": origin_lat, "display_longitude": origin_lon},
        "stations": [_near_public(row, at) for row in near.stations],
        "within_km": near.within_km,
        "message": near.message,
        "later": [_near_public(row, at) for row in near.later],
    }


def _near_public(row, at) -> dict:
    point, distance, state = row
    return _station_public(point, at, distance, state.state == hours_lib.OPEN, state)


class PlaceLabelOut(Schema):
    name: str
    label: str
    depth: int
    display_latitude: float
    display_longitude: float
    source: str = Field(..., description="org（工会自身坐标）/ stations / enterprises（推算）")


@router.get("/stations/map/places", auth=None, response=list[PlaceLabelOut])
def station_map_places(request):
    """Place labels for the map (unions and the towns they are named after), so the dots have
    context even without a basemap."""
    rows = []
    for place in selectors.map_places():
        lat, lon = display_coords(place["latitude"], place["longitude"])
        rows.append({**place, "display_latitude": lat, "display_longitude": lon})
    return rows


@router.get("/stations/place", auth=None, response=PlaceOut)
def station_place(request, q: str = Query(..., min_length=1, max_length=100)):
    found = selectors.place_lookup(q=q)
    if found is None:
        raise ValidationError({"q": _("没有找到这个地点，请输入“纬度,经度”或站点、工会名称。")})
    lat, lon, label = found
    return {"latitude": lat, "longitude": lon, "label": label}


class CheckInOut(Schema):
    station_id: int
    created_at: datetime.datetime
    member: bool


@router.post("/stations/checkin/{token}", auth=None, response={201: CheckInOut})
def station_checkin(request, token: str):
    station = get_object_or_404(Station, checkin_token=token, is_active=True)
    caller = public_caller(request)
    if caller is None:
        try:
            ratelimit.hit_caller(
                request, address_limit="checkin_address", device_limit="checkin_device"
            )
        except ratelimit.RateLimited as exc:
            return ratelimit.api_response(exc)
    visit, _created = services.checkin_record(station=station, user=caller)
    body = {
        "station_id": station.pk,
        "created_at": visit.created_at,
        "member": visit.user_id is not None,
    }
    return Status(201, body)


class CoverageQuery(Schema):
    org_id: int
    minutes: int = Field(15, ge=1, le=120)
    mode: TravelMode = TravelMode.WALK
    basis: CoverageBasis = CoverageBasis.WORK
    top_k: int = Field(5, ge=0, le=20)


class CellOut(Schema):
    cell: str
    count: int
    boundary: list[list[float]]


class SiteOut(Schema):
    latitude: float
    longitude: float
    display_latitude: float
    display_longitude: float
    cell: str
    gain: int


class MembersCoverageOut(Schema):
    total: int
    covered: int
    share: float
    without_location: int
    uncovered_cells: list[CellOut]
    suggestions: list[SiteOut]


class EnterprisesCoverageOut(Schema):
    total: int
    covered: int
    employees_total: int
    employees_covered: int


class CoverageOut(Schema):
    org_id: int
    minutes: int
    mode: str
    basis: str
    speed_kmh: float
    detour_factor: float
    radius_m: float
    stations: int
    method: str
    members: MembersCoverageOut | None
    enterprises: EnterprisesCoverageOut | None


@router.get("/stations/coverage", response=CoverageOut)
def station_coverage(request, params: Query[CoverageQuery]):
    org = org_get(user=request.user, org_id=params.org_id)
    data = selectors.coverage_for_org(
        user=request.user,
        org=org,
        minutes=params.minutes,
        mode=params.mode,
        basis=params.basis,
        top_k=params.top_k,
    )
    return coverage_payload(data)


# Officers ---------------------------------------------------------------------------------


class HoursIn(Schema):
    weekday: int = Field(..., ge=1, le=7, description="1=周一 … 7=周日")
    opens: str = Field(..., description="HH:MM")
    closes: str = Field(..., description="HH:MM；早于开门时间表示次日；24:00 表示午夜")


class HoursOut(Schema):
    weekday: int
    opens: datetime.time
    closes: datetime.time


class ExceptionOut(Schema):
    id: int
    start_date: datetime.date
    end_date: datetime.date
    closed: bool
    opens: datetime.time | None
    closes: datetime.time | None
    note: str


class StationOut(Schema):
    id: int
    name: str
    station_type: StationType
    operator_id: int
    address: str
    latitude: float
    longitude: float
    h3_cell: str
    capacity: int | None
    contact_name: str
    contact_phone: str
    description: str
    is_active: bool
    facilities: list[str]
    opening_hours: list[HoursOut]
    exceptions: list[ExceptionOut]
    checkin_token: str

    @staticmethod
    def resolve_facilities(obj):
        return [f.code for f in obj.facilities.all()]

    @staticmethod
    def resolve_opening_hours(obj):
        return list(obj.opening_hours.all())

    @staticmethod
    def resolve_exceptions(obj):
        return list(obj.exceptions.all())


class StationCreateIn(Schema):
    operator_id: int
    name: str = Field(..., min_length=1, max_length=120)
    station_type: StationType
    address: str = Field(..., min_length=1, max_length=255)
    latitude: float = Field(..., ge=-90, le=90)
    longitude: float = Field(..., ge=-180, le=180)
    capacity: int | None = Field(None, ge=0)
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)
    description: str = ""
    is_active: bool = True
    facilities: list[str] = []
    hours: list[HoursIn] | str = Field([], description="结构化列表，或“周一至周五 08:00-18:00”")


class StationUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    station_type: StationType | None = None
    address: str | None = Field(None, min_length=1, max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    capacity: int | None = Field(None, ge=0)
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    description: str | None = None
    is_active: bool | None = None
    facilities: list[str] | None = None
    hours: list[HoursIn] | str | None = None


class ExceptionIn(Schema):
    start_date: datetime.date
    end_date: datetime.date
    closed: bool = True
    opens: str | None = None
    closes: str | None = None
    note: str = Field("", max_length=120)


def _hours_value(value):
    if value is None or isinstance(value, str):
        return value
    return [item.dict() for item in value]


def _operator_for_write(user, operator_id: int):
    return org_for_field(
        user=user,
        org_id=operator_id,
        field="operator_id",
        message=_("运营工会不存在或不在您的管辖范围内。"),
    )


@router.get("/stations", response=list[StationOut])
@paginate
def list_stations(request, q: str | None = None, station_type: StationType | None = None):
    stations = selectors.station_list(user=request.user, q=q, station_type=station_type)
    return stations.prefetch_related("opening_hours", "exceptions")


class UsageRowOut(Schema):
    station_id: int
    station_name: str
    month: str
    visits: int


@router.get("/stations/usage", response=list[UsageRowOut])
def usage_overview(request, months: int = Query(12, ge=1, le=36)):
    return [
        {
            "station_id": row["station_id"],
            "station_name": row["station__name"],
            "month": row["month"].strftime("%Y-%m"),
            "visits": row["visits"],
        }
        for row in selectors.usage_by_month(user=request.user, months=months)
    ]


@router.get("/stations/{station_id}", response=StationOut)
def get_station(request, station_id: int):
    return selectors.station_get(user=request.user, station_id=station_id)


@router.post("/stations", response={201: StationOut})
def create_station(request, payload: StationCreateIn):
    data = payload.dict()
    operator = _operator_for_write(request.user, data.pop("operator_id"))
    data["hours"] = _hours_value(payload.hours)
    station = services.station_create(actor=request.user, operator=operator, **data)
    return Status(201, selectors.station_get(user=request.user, station_id=station.pk))


@router.patch("/stations/{station_id}", response=StationOut)
def update_station(request, station_id: int, payload: StationUpdateIn):
    station = selectors.station_get(user=request.user, station_id=station_id, action=Action.CHANGE)
    data = payload.dict(exclude_unset=True)
    if "hours" in data:
        data["hours"] = _hours_value(payload.hours) or []
    services.station_update(actor=request.user, station=station, **data)
    return selectors.station_get(user=request.user, station_id=station_id)


@router.post("/stations/{station_id}/exceptions", response={201: ExceptionOut})
def add_exception(request, station_id: int, payload: ExceptionIn):
    station = selectors.station_get(user=request.user, station_id=station_id, action=Action.CHANGE)
    data = payload.dict()
    return Status(201, services.station_add_exception(actor=request.user, station=station, **data))


class UsageOut(Schema):
    station_id: int
    station_name: str
    month: str
    visits: int


@router.get("/stations/{station_id}/usage", response=list[UsageOut])
def station_usage(request, station_id: int):
    selectors.station_get(user=request.user, station_id=station_id)
    return [
        {
            "station_id": row["station_id"],
            "station_name": row["station__name"],
            "month": row["month"].strftime("%Y-%m"),
            "visits": row["visits"],
        }
        for row in selectors.usage_by_month(user=request.user, station_id=station_id)
    ]


class FacilityIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(..., min_length=1, max_length=40)


@router.post("/stations/facilities", response={201: FacilityOut})
def create_facility(request, payload: FacilityIn):
    facility = services.facility_create(actor=request.user, code=payload.code, name=payload.name)
    return Status(201, facility)


@router.delete("/stations/{station_id}/exceptions/{exception_id}", response={204: None})
def delete_exception(request, station_id: int, exception_id: int):
    station = selectors.station_get(user=request.user, station_id=station_id, action=Action.CHANGE)
    exception = get_object_or_404(station.exceptions.all(), pk=exception_id)
    services.station_remove_exception(actor=request.user, exception=exception)
    return Status(204, None)


class PhotoOut(Schema):
    id: int
    url: str
    caption: str

    @staticmethod
    def resolve_url(obj):
        return obj.image.url


@router.post("/stations/{station_id}/photos", response={201: PhotoOut})
def add_photo(request, station_id: int, image: File[UploadedFile], caption: Form[str] = ""):
    station = selectors.station_get(user=request.user, station_id=station_id, action=Action.CHANGE)
    photo = services.station_add_photo(
        actor=request.user, station=station, image=image, caption=caption
    )
    return Status(201, photo)
