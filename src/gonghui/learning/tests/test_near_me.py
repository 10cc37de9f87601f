"""Issue 11 item 2 for training: the open sessions near a worker, nearest first, and a sentence
when none is near."""

import pytest

from . import factories

pytestmark = pytest.mark.django_db
YANCHENG = {"lat": "33.5870", "lon": "114.0069"}  # a worker in 郾城区
LIUYANG = (28.1745, 113.6520)  # 浏阳, about 600 km south


def test_trainings_near_me_on_the_page_and_in_the_api(api, client, personas):
    near = factories.session(personas.yancheng, latitude=33.5890, longitude=114.009, days=5)
    nearer_later = factories.session(personas.yancheng, latitude=33.5871, longitude=114.0070,
                                     days=9)  # fmt: skip
    far = factories.session(personas.liuyang, latitude=LIUYANG[0], longitude=LIUYANG[1], days=1)
    body = api().get("/api/activities/trainings/open", **YANCHENG).json()
    assert [s["id"] for s in body["items"]] == [nearer_later.pk, near.pk]
    assert body["items"][0]["distance_m"] < 20
    soonest = api().get("/api/activities/trainings/open").json()["items"]
    assert [s["id"] for s in soonest] == [far.pk, near.pk, nearer_later.pk]
    html = client.get("/trainings/", YANCHENG).content.decode()
    assert "离您 20 公里内的培训，由近到远。" in html
    assert far.course.title not in html
    assert html.index(nearer_later.course.title) < html.index(near.course.title)
    nothing = client.get("/trainings/", {"lat": "38.47", "lon": "106.17"}).content.decode()
    assert "离您 20 公里内近期没有开放报名的培训。" in nothing
