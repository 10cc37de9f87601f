"""/map loads what is visible (issue 13 item 4), in a real phone-sized browser: every map
request names a box and a zoom, zoomed out the stations are H3 clusters with their counts, and
clicking a cluster zooms in to the stations themselves."""

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from gonghui.stations.services import facilities_seed

from .factories import make_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_cities(personas):
    facilities_seed()  # transactional tests flush the migration-seeded facilities
    for i in range(6):
        make_station(personas.yancheng, name=f"漯河站{i}", latitude=33.58 + 0.004 * (i % 3),
                     longitude=114.01 + 0.004 * (i // 3))  # fmt: skip
    for i in range(5):
        make_station(personas.changsha, name=f"长沙站{i}", latitude=28.20 + 0.004 * (i % 3),
                     longitude=112.94 + 0.004 * (i // 3))  # fmt: skip


def test_map_shows_clusters_zoomed_out_and_stations_after_a_click(
    two_cities, phone_page, live_server
):
    page = phone_page
    asked = []
    page.on(
        "request",
        lambda r: (
            asked.append(parse_qs(urlparse(r.url).query)) if "/api/stations/map?" in r.url else None
        ),
    )
    page.goto(live_server.url + "/map")
    page.wait_for_selector("#map-app[data-loaded='11']")

    counts = sorted(page.locator(".station-cluster .cluster-count").all_inner_texts())
    assert counts == ["5", "6"]
    assert asked and all("bbox" in q and "zoom" in q for q in asked)

    page.locator(".station-cluster", has_text="6").click()
    expect(page.locator(".station-cluster")).to_have_count(1)  # 长沙 is out of view
    page.wait_for_selector("#map-app[data-loaded='6']")
    zooms = [int(q["zoom"][0]) for q in asked]
    assert zooms[-1] > zooms[0]
    south, west, north, east = (float(v) for v in asked[-1]["bbox"][0].split(","))
    assert south < 33.58 < north and west < 114.01 < east
    assert not (south < 28.2 < north and west < 112.94 < east)  # only what is visible
