import datetime as dt
import heapq
import weakref
from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin, form_submitted

from . import hours as hours_lib
from . import importer, selectors, services
from .choices import StationType
from .display import coordinate_system, directions_url, tile_url
from .forms import CoverageForm, ExceptionForm, FacilityForm, ImportForm, PhotoForm, StationForm
from .index import get_index
from .models import Station
from .reports import coverage_payload

# The server-rendered list is the no-JavaScript and screen-reader view; beyond this many the
# list says so and the map and "nearest" carry on from the API.
MAP_LIST_LIMIT = 500


def station_cards(stations, at):
    cards = []
    for station in stations:
        weekly, exceptions = station.weekly_intervals(), station.hour_exceptions()
        cards.append(
            {
                "station": station,
                "open_now": hours_lib.is_open(weekly, exceptions, at),
                "today": hours_lib.today_label(weekly, exceptions, at),
                "facilities": list(station.facilities.all()),
                "facility_codes": " ".join(f.code for f in station.facilities.all()),
                "directions": directions_url(station.latitude, station.longitude, station.name),
            }
        )
    return cards


def distance_text(metres: float) -> str:
    if metres < 1000:
        return _("%(n)d 米") % {"n": round(metres)}
    return _("%(n).1f 公里") % {"n": metres / 1000}


def near_rows(found, at) -> list[dict]:
    return [
        {
            "point": point,
            "distance": distance_text(distance),
            "state": state.state,
            "state_label": state.label(at),
            "today": hours_lib.today_label(point.weekly, point.exceptions, at),
            "type_label": StationType(point.station_type).label,
            "directions": directions_url(point.latitude, point.longitude, point.name),
        }
        for point, distance, state in found
    ]


def _position(request) -> tuple[float, float] | None:
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def point_cards(found, at, facilities) -> list[dict]:
    """The public list's cards from the in-memory index (no query): ``found`` is
    (point, metres or None) pairs."""
    by_code = {f.code: f for f in facilities}
    cards = []
    for point, metres in found:
        card = {
            "station": point,
            "open_now": point.is_open(at),
            "today": hours_lib.today_label(point.weekly, point.exceptions, at),
            "type_label": StationType(point.station_type).label,
            "facilities": [by_code[c] for c in by_code if c in point.facilities],
            "facility_codes": " ".join(sorted(point.facilities)),
            "directions": directions_url(point.latitude, point.longitude, point.name),
        }
        if metres is not None:
            card["metres"] = metres
            card["distance"] = distance_text(metres) + " · "
        cards.append(card)
    return cards


# The first MAP_LIST_LIMIT stations by name, per index build (an index is never changed, only
# replaced whole, so its list is computed once).
_FIRST_BY_NAME: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def first_by_name(index) -> list:
    first = _FIRST_BY_NAME.get(index)
    if first is None:
        first = heapq.nsmallest(MAP_LIST_LIMIT + 1, index.points, key=lambda p: (p.name, p.id))
        _FIRST_BY_NAME[index] = first
    return first


class PublicMapView(View):
    """爱心地图: public, phone-first, works with no tiles and with no JavaScript (a typed place
    or ``?lat=&lon=`` answers "nearest" on the page itself). The list is drawn from the
    in-memory station index, bounded to MAP_LIST_LIMIT cards: no query per station, the same
    page weight with 10^2 or 10^5 stations."""

    def get(self, request):
        at = timezone.now()
        origin = self._origin(request)
        index = get_index(at)
        if origin is None:
            first = first_by_name(index)
            found = [(point, None) for point in first[:MAP_LIST_LIMIT]]
            truncated = len(first) > MAP_LIST_LIMIT
        else:
            # From a place the list is the nearest stations, however many there are in all.
            found = index.nearest(origin[0], origin[1], MAP_LIST_LIMIT)
            truncated = len(index) > MAP_LIST_LIMIT
        facilities = selectors.facility_list()
        context = {
            "cards": point_cards(found, at, facilities),
            "truncated": truncated,
            "facilities": facilities,
            "types": StationType.choices,
            "tile_url": tile_url(),
            "coordinate_system": coordinate_system(),
            "wanted": [],
        }
        context.update(self._nearest(request, at))
        return render(request, "stations/map.html", context)

    def _origin(self, request) -> tuple[float, float] | None:
        position = _position(request)
        place = request.GET.get("place", "").strip()[:100]
        if position is None and place:
            found = selectors.place_lookup(q=place)
            position = found[:2] if found else None
        return position

    def _nearest(self, request, at) -> dict:
        place = request.GET.get("place", "").strip()[:100]
        position, label = _position(request), ""
        if position is None and place:
            found = selectors.place_lookup(q=place)
            if found is None:
                return {"place": place, "place_error": True}
            position, label = found[:2], found[2]
        if position is None:
            return {}
        known = selectors.facility_codes()
        wanted = [c for c in request.GET.getlist("facility") if c in known]
        kind = request.GET.get("station_type") or None
        near = selectors.near_me(
            lat=position[0],
            lon=position[1],
            open_now=True,
            facilities=wanted,
            station_type=kind if kind in StationType.values else None,
            at=at,
        )
        return {
            "origin": position,
            "place": place,
            "near": near,
            "near_label": label,
            "near_rows": near_rows(near.stations or near.later, at),
            "wanted": wanted,
        }


# Officer pages ------------------------------------------------------------------------------


# The service names the station's facilities; the forms call the input facility_codes.
FACILITY_ALIASES = {"facilities": "facility_codes"}


def apply_errors(form, exc: ValidationError) -> None:
    apply_service_errors(form, exc, aliases=FACILITY_ALIASES)


class StationListView(OfficerViewMixin, View):
    def get(self, request):
        q = request.GET.get("q", "").strip()
        station_type = request.GET.get("type") or None
        stations = selectors.station_list(user=request.user, q=q, station_type=station_type)
        page = Paginator(stations, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "stations/list.html",
            {"page": page, "q": q, "types": StationType.choices, "type": station_type or ""},
        )


class StationDetailView(OfficerViewMixin, View):
    def get(self, request, pk):
        station = selectors.station_get(user=request.user, station_id=pk)
        at = timezone.now()
        context = {
            "station": station,
            "card": station_cards([station], at)[0],
            "hours_text": hours_lib.format_weekly(station.weekly_intervals(), localized=True),
            "exception_form": ExceptionForm(),
            "photo_form": PhotoForm(),
            "usage": selectors.usage_by_month(user=request.user, station_id=station.pk),
        }
        return render(request, "stations/detail.html", context)


def _form_data(form) -> dict:
    data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
    data["facilities"] = form.cleaned_data["facility_codes"]
    data["hours"] = form.cleaned_data["hours"]
    return data


class StationCreateView(OfficerViewMixin, View):
    def get(self, request):
        form = StationForm(user=request.user)
        return render(request, "stations/form.html", {"form": form, "title": _("新建服务阵地")})

    def post(self, request):
        form = StationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                station = services.station_create(
                    actor=request.user, operator=form.cleaned_data["operator"], **_form_data(form)
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("服务阵地已创建。"))
                return redirect(station)
        return render(
            request, "stations/form.html", {"form": form, "title": _("新建服务阵地")}, status=422
        )


class StationEditView(OfficerViewMixin, View):
    def get(self, request, pk):
        station = selectors.station_get(user=request.user, station_id=pk, action=Action.CHANGE)
        form = StationForm(instance=station, user=request.user)
        context = {"form": form, "station": station, "title": _("编辑服务阵地")}
        return render(request, "stations/form.html", context)

    def post(self, request, pk):
        station = selectors.station_get(user=request.user, station_id=pk, action=Action.CHANGE)
        detached = selectors.station_get(user=request.user, station_id=pk)
        form = StationForm(request.POST, instance=detached, user=request.user)
        if form.is_valid():
            try:
                services.station_update(actor=request.user, station=station, **_form_data(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(station)
        context = {"form": form, "station": station, "title": _("编辑服务阵地")}
        return render(request, "stations/form.html", context, status=422)


class StationAdditionView(OfficerViewMixin, View):
    """A form posted from a station's page whose data one service adds to the station; refused,
    the form alone with its errors (422)."""

    form_class: type
    add: Callable  # the service, as a staticmethod: add(actor=, station=, **cleaned_data)
    title = ""
    done = ""
    multipart = False

    def post(self, request, pk):
        station = selectors.station_get(user=request.user, station_id=pk, action=Action.CHANGE)
        form = self.form_class(request.POST, request.FILES)
        write = partial(self.add, actor=request.user, station=station)
        if form_submitted(request, form, write, str(self.done), aliases=FACILITY_ALIASES):
            return redirect(station)
        context = {
            "form": form,
            "station": station,
            "title": self.title,
            "multipart": self.multipart,
        }
        return render(request, "stations/form.html", context, status=422)


class ExceptionCreateView(StationAdditionView):
    form_class = ExceptionForm
    title = _lazy("添加例外安排")
    done = _lazy("例外安排已添加。")
    add = staticmethod(services.station_add_exception)


class ExceptionDeleteView(OfficerViewMixin, View):
    """Remove one dated exception (a holiday closure that was cancelled, say)."""

    def post(self, request, pk, exception_id):
        station = selectors.station_get(user=request.user, station_id=pk, action=Action.CHANGE)
        exception = get_object_or_404(station.exceptions.all(), pk=exception_id)
        services.station_remove_exception(actor=request.user, exception=exception)
        messages.success(request, _("例外安排已删除。"))
        return redirect(station)


class ImportView(OfficerViewMixin, View):
    def get(self, request):
        return render(request, "stations/import.html", {"form": ImportForm()})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        result = None
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = importer.import_stations(
                    actor=request.user, filename=upload.name, content=upload.read()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                status = 200 if result.ok else 422
        labels = {f: h for h, f in importer.COLUMNS}
        error_rows = [
            (number, [(labels.get(name, name), msgs) for name, msgs in errors.items()])
            for number, errors in (result.errors if result else [])
        ]
        context = {"form": form, "result": result, "error_rows": error_rows}
        return render(request, "stations/import.html", context, status=status)


class ImportTemplateView(OfficerViewMixin, View):
    def get(self, request, fmt):
        if fmt == "xlsx":
            response = HttpResponse(
                importer.template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="stations-template.{fmt}"'
        return response


class CoverageView(OfficerViewMixin, View):
    """十五分钟服务圈: KPI figures server-side, the heat map drawn from the same API as JSON."""

    def get(self, request):
        from gonghui.organizations.selectors import org_roots_for

        initial_org = org_roots_for(user=request.user).first()
        data = request.GET.copy() if request.GET else None
        form = CoverageForm(
            data,
            user=request.user,
            initial={"org": initial_org, "minutes": 15, "mode": "walk", "top_k": 5},
        )
        context = {"form": form, "tile_url": tile_url(), "coordinate_system": coordinate_system()}
        if form.is_bound and form.is_valid():
            params = form.cleaned_data
            result = selectors.coverage_for_org(
                user=request.user,
                org=params["org"],
                minutes=params["minutes"],
                mode=params["mode"],
                basis=params["basis"],
                top_k=params["top_k"],
            )
            context["result"] = result
            # Handed to the map script as JSON data (not executable, so CSP allows it).
            payload = coverage_payload(result)
            context["method"] = payload["method"]
            context["payload"] = {
                "members": payload["members"],
                "enterprises": payload["enterprises"],
            }
        return render(request, "stations/coverage.html", context)


class PosterView(OfficerViewMixin, View):
    """A printable A4 poster: the station's name and a QR code that opens its check-in page."""

    def get(self, request, pk):
        import segno

        station = selectors.station_get(user=request.user, station_id=pk)
        url = request.build_absolute_uri(reverse("stations:checkin", args=[station.checkin_token]))
        qr = segno.make(url, error="m")
        context = {"station": station, "qr": qr.svg_data_uri(scale=8, border=2), "url": url}
        return render(request, "stations/poster.html", context)


class CheckInView(View):
    """Public: scanning the poster opens this page; one tap records the visit (a GET never
    writes, so link previews and prefetchers in chat apps do not inflate the figures)."""

    def get(self, request, token):
        from gonghui.core import ratelimit

        station = get_object_or_404(Station, checkin_token=token, is_active=True)
        response = render(request, "stations/checkin.html", {"station": station})
        # A device id, so anonymous check-ins from this phone are counted as one device.
        return ratelimit.ensure_device_cookie(request, response)

    def post(self, request, token):
        station = get_object_or_404(Station, checkin_token=token, is_active=True)
        # Anonymous visitors are recognised by their session: a double tap is one visit.
        seen = request.session.get("station_checkins", {})
        last = seen.get(str(station.pk))
        now = timezone.now()
        if last and now - dt.datetime.fromisoformat(last) < services.CHECKIN_WINDOW:
            return render(request, "stations/checkin.html", {"station": station, "done": True})
        if not request.user.is_authenticated:
            from gonghui.core import ratelimit

            try:
                ratelimit.hit_caller(
                    request, address_limit="checkin_address", device_limit="checkin_device"
                )
            except ratelimit.RateLimited as exc:
                messages.error(request, exc.message)
                response = render(request, "stations/checkin.html", {"station": station})
                return ratelimit.with_retry_after(response, exc)
        services.checkin_record(station=station, user=request.user)
        seen[str(station.pk)] = now.isoformat()
        request.session["station_checkins"] = seen
        return render(request, "stations/checkin.html", {"station": station, "done": True})


class PhotoUploadView(StationAdditionView):
    form_class = PhotoForm
    title = _lazy("上传照片")
    done = _lazy("照片已上传。")
    multipart = True
    add = staticmethod(services.station_add_photo)


class UsageView(OfficerViewMixin, View):
    """Visits per station per month across the officer's scope, newest month first."""

    def get(self, request):
        rows = list(selectors.usage_by_month(user=request.user, months=12))
        months = sorted({row["month"] for row in rows}, reverse=True)
        table: dict[int, dict] = {}
        for row in rows:
            entry = table.setdefault(
                row["station_id"], {"name": row["station__name"], "counts": {}, "total": 0}
            )
            entry["counts"][row["month"]] = row["visits"]
            entry["total"] += row["visits"]
        lines = [
            {
                "id": station_id,
                "name": entry["name"],
                "cells": [entry["counts"].get(month, 0) for month in months],
                "total": entry["total"],
            }
            for station_id, entry in sorted(table.items(), key=lambda item: -item[1]["total"])
        ]
        return render(request, "stations/usage.html", {"months": months, "lines": lines})


class FacilityListView(OfficerViewMixin, View):
    """The shared facility list; officers add what their stations offer beyond the defaults."""

    def get(self, request):
        context = {
            "facilities": selectors.facilities(),
            "form": FacilityForm(),
            "can_add": services.may_add_facilities(request.user),
        }
        return render(request, "stations/facilities.html", context)

    def post(self, request):
        if not services.may_add_facilities(request.user):
            raise PermissionDenied
        form = FacilityForm(request.POST)
        if form_submitted(
            request,
            form,
            partial(services.facility_create, actor=request.user),
            _("服务设施已添加。"),
            aliases=FACILITY_ALIASES,
        ):
            return redirect("stations:facilities")
        context = {"facilities": selectors.facilities(), "form": form, "can_add": True}
        return render(request, "stations/facilities.html", context, status=422)
