"""Which datum the configured basemap is drawn in, and the coordinates to draw with.

Read from settings without requiring them: ``MAP_COORDINATE_SYSTEM`` ("wgs84" or "gcj02") and
``MAP_TILE_URL``. Tiles from Amap or Tencent are GCJ-02 even if nobody said so.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from gonghui.core.geometry import wgs84_to_gcj02

GCJ02_TILE_HOSTS = ("autonavi.com", "amap.com", "gtimg.com", "map.qq.com")


def tile_url() -> str:
    return getattr(settings, "MAP_TILE_URL", "") or ""


def coordinate_system() -> str:
    configured = str(getattr(settings, "MAP_COORDINATE_SYSTEM", "wgs84") or "wgs84").lower()
    if configured in {"gcj02", "gcj-02"}:
        return "gcj02"
    host = urlsplit(tile_url().replace("{s}", "a")).hostname or ""
    if any(host == h or host.endswith("." + h) for h in GCJ02_TILE_HOSTS):
        return "gcj02"
    return "wgs84"


def needs_gcj02() -> bool:
    return coordinate_system() == "gcj02"


def display_coords(lat: float, lon: float) -> tuple[float, float]:
    if needs_gcj02():
        return wgs84_to_gcj02(lat, lon)
    return lat, lon


def directions_url(lat: float, lon: float, name: str) -> str:
    """Amap's public URI API takes WGS-84 when told so and opens the app on phones."""
    from urllib.parse import quote

    return (
        f"https://uri.amap.com/navigation?to={lon:.6f},{lat:.6f},{quote(name)}"
        "&mode=walk&coordinate=wgs84&callnative=1"
    )
