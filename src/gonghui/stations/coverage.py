"""The N-minute service circle (N分钟服务圈), as pure array functions.

Method (shown on the page): a member is within reach when the straight-line (great-circle)
distance to the nearest active station, times a detour factor for real streets, is at most what
the chosen mode covers in N minutes: ``distance * detour <= speed * N``. No road network: the
factor (1.3 by default, the usual urban ratio of street to straight-line distance) is the stand-in.

Suggested sites: candidates are the centres of the H3 cells holding uncovered members; greedy
maximum coverage picks, k times, the candidate that reaches the most members still uncovered
(lazy evaluation: a candidate's gain can only fall, so a re-checked top of the heap is the best).
Greedy is within 1 - 1/e of the optimum, and every reported gain is exact for the chosen order.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import h3
import numpy as np
from django.conf import settings
from scipy.spatial import cKDTree

from gonghui.core.geometry import m_to_chord, to_xyz

DEFAULT_SPEEDS_KMH = {"walk": 4.8, "cycle": 12.0, "ebike": 18.0}
DEFAULT_DETOUR_FACTOR = 1.3
HEAT_RESOLUTION = 8
CANDIDATE_RESOLUTION = 9
MAX_CANDIDATES = 20_000


def speeds_kmh() -> dict[str, float]:
    return {**DEFAULT_SPEEDS_KMH, **getattr(settings, "STATIONS_TRAVEL_SPEEDS_KMH", {})}


def detour_factor() -> float:
    return float(getattr(settings, "STATIONS_DETOUR_FACTOR", DEFAULT_DETOUR_FACTOR))


def reach_m(minutes: float, speed_kmh: float, detour: float) -> float:
    """Straight-line radius reachable in ``minutes``."""
    return speed_kmh * 1000.0 * minutes / 60.0 / detour


def covered_mask(members: np.ndarray, stations: np.ndarray, radius_m: float) -> np.ndarray:
    """members, stations: (n, 2) arrays of (lat, lon). True where a station is within radius."""
    if len(members) == 0:
        return np.zeros(0, dtype=bool)
    if len(stations) == 0:
        return np.zeros(len(members), dtype=bool)
    tree = cKDTree(to_xyz(stations[:, 0], stations[:, 1]))
    # A hair over the radius, then nothing: float rounding at the boundary cannot drop a member.
    distances, _index = tree.query(
        to_xyz(members[:, 0], members[:, 1]),
        k=1,
        distance_upper_bound=m_to_chord(radius_m) * (1 + 1e-12),
        workers=-1,
    )
    return np.isfinite(distances)


def heat_cells(points: np.ndarray, resolution: int = HEAT_RESOLUTION) -> list[tuple[str, int]]:
    """(cell, count) for the given points, most crowded first."""
    if len(points) == 0:
        return []
    to_cell = h3.api.basic_int.latlng_to_cell
    cells = np.fromiter(
        (to_cell(lat, lon, resolution) for lat, lon in points), dtype=np.uint64, count=len(points)
    )
    values, counts = np.unique(cells, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return [(h3.int_to_str(int(values[i])), int(counts[i])) for i in order]


@dataclass
class Site:
    latitude: float
    longitude: float
    cell: str
    gain: int


@dataclass
class CoverageResult:
    total: int
    covered: int
    radius_m: float
    uncovered_cells: list[tuple[str, int]] = field(default_factory=list)
    suggestions: list[Site] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


def suggest_sites(
    uncovered: np.ndarray,
    radius_m: float,
    k: int,
    resolution: int = CANDIDATE_RESOLUTION,
    max_candidates: int = MAX_CANDIDATES,
) -> list[Site]:
    if k <= 0 or len(uncovered) == 0:
        return []
    cells = heat_cells(uncovered, resolution)[:max_candidates]
    centres = np.array([h3.cell_to_latlng(cell) for cell, _n in cells])
    member_tree = cKDTree(to_xyz(uncovered[:, 0], uncovered[:, 1]))
    reach = member_tree.query_ball_point(
        to_xyz(centres[:, 0], centres[:, 1]), r=m_to_chord(radius_m) * (1 + 1e-12), workers=-1
    )
    taken = np.zeros(len(uncovered), dtype=bool)
    heap = [(-len(members), i) for i, members in enumerate(reach)]
    heapq.heapify(heap)
    sites: list[Site] = []
    while heap and len(sites) < k:
        _stale, i = heapq.heappop(heap)
        members = np.asarray(reach[i], dtype=np.intp)
        gain = int((~taken[members]).sum()) if len(members) else 0
        if gain == 0:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, i))
            continue
        taken[members] = True
        lat, lon = centres[i]
        sites.append(Site(float(lat), float(lon), cells[i][0], gain))
    return sites


def service_circle(
    members: np.ndarray,
    stations: np.ndarray,
    minutes: float,
    speed_kmh: float,
    detour: float,
    top_k: int = 5,
) -> CoverageResult:
    radius = reach_m(minutes, speed_kmh, detour)
    covered = covered_mask(members, stations, radius)
    uncovered = members[~covered] if len(members) else members
    return CoverageResult(
        total=len(members),
        covered=int(covered.sum()),
        radius_m=radius,
        uncovered_cells=heat_cells(uncovered),
        suggestions=suggest_sites(uncovered, radius, top_k),
    )
