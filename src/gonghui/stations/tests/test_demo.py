import io

import pytest

from gonghui.core.testing.personas import org
from gonghui.stations.demo import load_demo
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orgs(personas):
    yongzhou = org(personas.hunan, "永州市总工会", "city", "431100")
    org(yongzhou, "冷水滩区总工会", "county", "431103")
    org(yongzhou, "东安县总工会", "county", "431122")
    yueyang = org(personas.hunan, "岳阳市总工会", "city", "430600")
    org(yueyang, "汨罗市总工会", "county", "430681")
    ningxia = org(personas.national, "宁夏回族自治区总工会", "province", "640000")
    yinchuan = org(ningxia, "银川市总工会", "city", "640100")
    org(yinchuan, "银川经济技术开发区工会", "county", "640105")


def test_demo_loads_the_stations_from_the_reports(demo_orgs):
    load_demo(io.StringIO())
    by_operator = {
        name: Station.objects.filter(operator__name=name).count()
        for name in ["冷水滩区总工会", "汨罗市总工会", "银川经济技术开发区工会", "东安县总工会"]
    }
    assert by_operator == {
        "冷水滩区总工会": 24,
        "汨罗市总工会": 32,
        "银川经济技术开发区工会": 13,
        "东安县总工会": 7,
    }
    assert (
        Station.objects.filter(operator__name="汨罗市总工会", station_type="warm_heart").count()
        == 32
    )
    assert Station.objects.filter(station_type="labour_station", name__startswith="漯河").exists()
    assert all(s.opening_hours.exists() for s in Station.objects.all())


def test_demo_is_idempotent(demo_orgs):
    load_demo(io.StringIO())
    before = Station.objects.count()
    out = io.StringIO()
    assert load_demo(out) == 0
    assert Station.objects.count() == before
    assert "0 stations created" in out.getvalue()


def test_demo_skips_missing_orgs_with_a_message(personas):
    out = io.StringIO()
    load_demo(out)
    assert "冷水滩区总工会" in out.getvalue()
    assert Station.objects.filter(operator=personas.luohe).count() == 6
