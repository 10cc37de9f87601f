import datetime as dt

import h3
import numpy as np
import pytest

from gonghui.core.geometry import haversine_many
from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.stations import coverage

from .factories import make_station

# A generated county about 40 x 40 km around 冷水滩, members clustered around a few towns.
RNG_SEED = 20260715
CENTRE = (26.46, 111.59)


def generated_county(members=10_000, stations=50, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    towns = CENTRE + rng.normal(0, 0.08, size=(8, 2))
    which = rng.integers(0, len(towns), members)
    people = towns[which] + rng.normal(0, 0.02, size=(members, 2))
    sites = CENTRE + rng.uniform(-0.18, 0.18, size=(stations, 2))
    return people, sites


def brute_force_covered(people, sites, radius):
    covered = np.zeros(len(people), dtype=bool)
    for lat, lon in sites:
        covered |= haversine_many(lat, lon, people[:, 0], people[:, 1]) <= radius
    return covered


RADIUS = coverage.reach_m(15, 4.8, 1.3)  # 15 minutes' walk: about 923 m straight line


def test_reach_is_speed_times_time_over_detour():
    assert coverage.reach_m(15, 4.8, 1.3) == pytest.approx(4800 * 0.25 / 1.3)


def test_coverage_equals_brute_force_on_a_generated_county():
    people, sites = generated_county()
    fast = coverage.covered_mask(people, sites, RADIUS)
    slow = brute_force_covered(people, sites, RADIUS)
    assert 0 < slow.sum() < len(people)
    assert np.array_equal(fast, slow)


def test_heat_map_counts_exactly_the_uncovered_members():
    people, sites = generated_county()
    result = coverage.service_circle(people, sites, 15, 4.8, 1.3, top_k=0)
    assert sum(n for _cell, n in result.uncovered_cells) == result.total - result.covered


def test_adding_the_suggested_sites_raises_coverage_by_the_reported_gains():
    people, sites = generated_county()
    result = coverage.service_circle(people, sites, 15, 4.8, 1.3, top_k=3)
    assert len(result.suggestions) == 3
    before = brute_force_covered(people, sites, RADIUS).sum()
    added = sites
    for site in result.suggestions:
        added = np.vstack([added, [[site.latitude, site.longitude]]])
        after = brute_force_covered(people, added, RADIUS).sum()
        assert after - before == site.gain
        before = after
    gains = [s.gain for s in result.suggestions]
    assert gains == sorted(gains, reverse=True)


def test_first_suggestion_is_the_best_candidate_by_brute_force():
    people, sites = generated_county(members=3000)
    result = coverage.service_circle(people, sites, 15, 4.8, 1.3, top_k=1)
    uncovered = people[~brute_force_covered(people, sites, RADIUS)]
    cells = {h3.latlng_to_cell(a, b, coverage.CANDIDATE_RESOLUTION) for a, b in uncovered}
    best = max(
        int(
            (
                haversine_many(*h3.cell_to_latlng(c), uncovered[:, 0], uncovered[:, 1]) <= RADIUS
            ).sum()
        )
        for c in cells
    )
    assert result.suggestions[0].gain == best


def test_no_members_or_no_stations_is_not_an_error():
    empty = np.zeros((0, 2))
    people, _sites = generated_county(members=10)
    assert coverage.service_circle(empty, empty, 15, 4.8, 1.3).share == 0
    assert coverage.service_circle(people, empty, 15, 4.8, 1.3).covered == 0


# Wired to members and enterprises, scoped ----------------------------------------------------


def enrol(union, lat, lon, serial):
    from gonghui.members.choices import JoinChannel
    from gonghui.members.ids import synthetic_id_card
    from gonghui.members.services import member_join

    return member_join(
        actor=SYSTEM,
        union=union,
        channel=JoinChannel.OFFICER,
        name="会员",
        id_card=synthetic_id_card(union.region_code, dt.date(1990, 1, 1), serial),
        phone=f"139{serial:08d}",
        work_latitude=lat,
        work_longitude=lon,
    ).member


def enterprise(street_org, lat, lon, serial, employees):
    from gonghui.enterprises.services import enterprise_create

    first17 = f"91{street_org.region_code}MA{serial:07d}"
    return enterprise_create(
        actor=SYSTEM,
        street_org=street_org,
        name=f"企业{serial}",
        credit_code=first17 + credit_code_check_char(first17),
        industry="G",
        employees=employees,
        latitude=lat,
        longitude=lon,
    )


@pytest.fixture
def county(personas):
    make_station(personas.yancheng, name="中心站", latitude=33.58, longitude=114.01)
    enrol(personas.yancheng, 33.581, 114.011, 1)  # ~150 m: covered
    enrol(personas.yancheng_project, 33.582, 114.012, 2)  # covered, in a sub-union
    enrol(personas.yancheng, 33.70, 114.20, 3)  # ~20 km: not covered
    enrol(personas.yancheng, None, None, 4)  # no work location
    enrol(personas.liuyang, 33.58, 114.01, 5)  # covered, but another subtree
    enterprise(personas.yancheng, 33.5805, 114.0105, 1, 40)
    enterprise(personas.yancheng, 33.75, 114.3, 2, 10)


@pytest.mark.django_db
def test_coverage_api_counts_members_and_enterprises_in_the_subtree(api, personas, county):
    response = api(personas.luohe_officer).get(
        "/api/stations/coverage", org_id=personas.yancheng.pk, minutes=15, mode="walk", top_k=1
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["members"]["total"], body["members"]["covered"]) == (3, 2)
    assert body["members"]["without_location"] == 1
    assert body["members"]["suggestions"][0]["gain"] == 1
    assert body["enterprises"] == {
        "total": 2,
        "covered": 1,
        "employees_total": 50,
        "employees_covered": 40,
    }
    assert "1.3" in body["method"]


@pytest.mark.django_db
def test_coverage_of_a_sibling_subtree_is_404(api, personas, county):
    response = api(personas.hunan_officer).get(
        "/api/stations/coverage", org_id=personas.yancheng.pk
    )
    assert response.status_code == 404
    assert "employees_total" not in response.json() and response.json()["detail"]


@pytest.mark.django_db
def test_cycling_reaches_further_than_walking(api, personas, county):
    client = api(personas.luohe_officer)
    walk = client.get("/api/stations/coverage", org_id=personas.yancheng.pk, mode="walk").json()
    ebike = client.get(
        "/api/stations/coverage", org_id=personas.yancheng.pk, mode="ebike", minutes=120
    ).json()
    assert ebike["radius_m"] > walk["radius_m"]
    assert ebike["members"]["covered"] == 3


@pytest.mark.django_db
def test_coverage_page_shows_the_method_and_the_share(client, personas, county):
    client.force_login(personas.luohe_officer)
    response = client.get(
        "/stations/coverage/",
        {"org": personas.yancheng.pk, "minutes": 15, "mode": "walk", "basis": "work", "top_k": 3},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="coverage-method"' in html and "67%" in html
    assert 'id="coverage-data"' in html


@pytest.mark.django_db
def test_coverage_page_does_not_offer_orgs_outside_scope(client, personas, county):
    client.force_login(personas.hunan_officer)
    response = client.get("/stations/coverage/", {"org": personas.yancheng.pk, "minutes": 15})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="member-coverage"' not in html
    assert 'data-field="org"' in html


@pytest.mark.django_db
def test_coverage_by_home_location_uses_home_coordinates(api, personas):
    make_station(personas.yancheng, name="中心站", latitude=33.58, longitude=114.01)
    member = enrol(personas.yancheng, 33.9, 114.5, 9)  # works far away
    from gonghui.members.models import Member

    Member.objects.filter(pk=member.pk).update(home_latitude=33.5801, home_longitude=114.0101)
    client = api(personas.yancheng_officer)
    work = client.get("/api/stations/coverage", org_id=personas.yancheng.pk, basis="work").json()
    home = client.get("/api/stations/coverage", org_id=personas.yancheng.pk, basis="home").json()
    assert (work["members"]["covered"], home["members"]["covered"]) == (0, 1)
