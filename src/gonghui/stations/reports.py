"""The service-circle figures as plain JSON-ready data: one shape for the API and the page."""

import h3
from django.utils.translation import gettext as _

from .display import display_coords

HEAT_CELL_LIMIT = 2000


def coverage_payload(data: dict) -> dict:
    from .coverage import reach_m

    def boundary(cell):
        return [list(display_coords(lat, lon)) for lat, lon in h3.cell_to_boundary(cell)]

    members = None
    circle = data["members"]
    if circle is not None:
        members = {
            "total": circle.total,
            "covered": circle.covered,
            "share": round(circle.share, 4),
            "without_location": data["members_without_location"],
            "uncovered_cells": [
                {"cell": cell, "count": count, "boundary": boundary(cell)}
                for cell, count in circle.uncovered_cells[:HEAT_CELL_LIMIT]
            ],
            "suggestions": [
                {
                    "latitude": s.latitude,
                    "longitude": s.longitude,
                    "display_latitude": display_coords(s.latitude, s.longitude)[0],
                    "display_longitude": display_coords(s.latitude, s.longitude)[1],
                    "cell": s.cell,
                    "gain": s.gain,
                }
                for s in circle.suggestions
            ],
        }
    radius = reach_m(data["minutes"], data["speed_kmh"], data["detour"])
    return {
        "org_id": data["org"].pk,
        "minutes": data["minutes"],
        "mode": data["mode"],
        "basis": data["basis"],
        "speed_kmh": data["speed_kmh"],
        "detour_factor": data["detour"],
        "radius_m": round(radius, 1),
        "stations": data["stations"],
        "method": coverage_method(data, radius),
        "members": members,
        "enterprises": data["enterprises"],
    }


def coverage_method(data: dict, radius: float) -> str:
    return _(
        "直线距离 × 绕行系数 %(detour)s ≤ 速度 %(speed)s 公里/小时 × %(minutes)s 分钟，"
        "即距最近的启用驿站直线 %(radius)d 米以内视为覆盖。"
    ) % {
        "detour": data["detour"],
        "speed": data["speed_kmh"],
        "minutes": data["minutes"],
        "radius": round(radius),
    }
