"""Contest, craftsman and studio pages: each renders, writes through the service, shows a bad
input's field error with nothing written, and answers 404 to an officer outside the scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

from .. import services
from ..models import Contest, ContestRound, Craftsman, CraftsmanStudio
from . import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def contest_data(org, **extra):
    return {"org": org.pk, "name": "2026直播带货技能大赛", "trade": "直播电商",
            "starts_on": str(TODAY()), "ends_on": str(TODAY() + 30 * DAY), "score_min": "0",
            "score_max": "100", "metric_name": "销售额", "metric_unit": "元",
            "rounds": "初赛\n决赛\n", **extra}  # fmt: skip


def test_contest_create_page_creates_the_contest_its_rounds_and_metric(personas, client):
    client.force_login(personas.yancheng_officer)
    assert "成果指标" in client.get("/activities/contests/new/").content.decode()
    response = client.post("/activities/contests/new/", contest_data(personas.yancheng))
    contest = Contest.objects.get()
    assert response["Location"] == contest.get_absolute_url()
    assert (contest.org, contest.metric_name, contest.metric_unit) == (
        personas.yancheng, "销售额", "元")  # fmt: skip
    assert list(contest.rounds.values_list("name", "position")) == [("初赛", 1), ("决赛", 2)]
    assert AuditLog.objects.filter(content_type__model="contest", object_id=str(contest.pk))


def test_contest_create_page_shows_the_field_error_and_writes_nothing(personas, client):
    client.force_login(personas.yancheng_officer)
    with nothing_written():
        bad = client.post("/activities/contests/new/",
                          contest_data(personas.yancheng, score_max="-1"))  # fmt: skip
    assert bad.status_code == 422 and "score_max" in bad.context["form"].errors
    with nothing_written():
        bad = client.post("/activities/contests/new/",
                          contest_data(personas.yancheng, metric_name=""))  # fmt: skip
    assert "metric_name" in bad.context["form"].errors


def test_contest_create_page_refuses_an_org_outside_the_scope(personas, client):
    client.force_login(personas.yancheng_officer)
    with nothing_written():
        bad = client.post("/activities/contests/new/", contest_data(personas.liuyang))
    assert bad.status_code == 422 and "org" in bad.context["form"].errors


def test_contest_page_adds_a_round_and_records_the_metric_shown_in_the_ranking(personas, client):
    contest = factories.contest(personas.yancheng, metric_name="销售额", metric_unit="元")
    entry = services.contest_entry_add(actor=SYSTEM, contest=contest, name="主播甲")
    services.score_record(actor=SYSTEM, contest_round=contest.rounds.first(), entry=entry,
                          score=88)  # fmt: skip
    client.force_login(personas.yancheng_officer)
    url = contest.get_absolute_url()
    assert client.post(url, {"action": "round", "name": "复赛"}).status_code == 302
    assert contest.rounds.get(name="复赛").position == 3
    with nothing_written():
        bad = client.post(url, {"action": "round", "name": "初赛"})
    assert bad.status_code == 422 and "name" in bad.context["round_form"].errors
    with nothing_written():
        bad = client.post(url, {"action": "metric", "entry": entry.pk, "value": "-5"})
    assert "value" in bad.context["metric_form"].errors
    assert client.post(url, {"action": "metric", "entry": entry.pk, "value": "125800.50"})
    entry.refresh_from_db()
    assert entry.metric_value == Decimal("125800.50")
    page = client.get(url)
    assert page.context["ranking"][0].metric_value == Decimal("125800.50")
    assert "销售额（元）" in page.content.decode() and "125800.50" in page.content.decode()


def test_metric_is_refused_on_a_contest_without_one(personas):
    contest = factories.contest(personas.yancheng)
    entry = services.contest_entry_add(actor=SYSTEM, contest=contest, name="甲")
    with nothing_written(), pytest.raises(Exception) as exc:
        services.entry_metric_record(actor=SYSTEM, entry=entry, value=Decimal(1))
    assert "value" in exc.value.message_dict


def test_contest_page_posts_are_404_outside_the_scope(personas, client):
    contest = factories.contest(personas.yancheng, metric_name="销售额")
    entry = services.contest_entry_add(actor=SYSTEM, contest=contest, name="甲")
    client.force_login(personas.hunan_officer)
    assert client.get("/activities/contests/new/").status_code == 200
    with nothing_written():
        for data in ({"action": "round", "name": "复赛"},
                     {"action": "metric", "entry": entry.pk, "value": "1"}):  # fmt: skip
            assert client.post(contest.get_absolute_url(), data).status_code == 404
    assert ContestRound.objects.filter(contest=contest).count() == 2


def test_nomination_page_nominates_and_shows_the_field_error(personas, client):
    client.force_login(personas.yancheng_officer)
    assert client.get("/activities/craftsmen/new/").status_code == 200
    data = {"org": personas.yancheng.pk, "name": "李师傅", "employer": "漯河食品厂",
            "trade": "焊工", "title": "郾城工匠", "year": 1990}  # fmt: skip
    with nothing_written():
        bad = client.post("/activities/craftsmen/new/", data)
    assert bad.status_code == 422 and "year" in bad.context["form"].errors
    assert client.post("/activities/craftsmen/new/", {**data, "year": 2026}).status_code == 302
    craftsman = Craftsman.objects.get()
    assert (craftsman.status, craftsman.title, craftsman.org) == (
        "nominated", "郾城工匠", personas.yancheng)  # fmt: skip
    assert "李师傅" in client.get("/activities/contests/").content.decode()


def test_nomination_page_refuses_an_org_outside_the_scope(personas, client):
    client.force_login(personas.hunan_officer)
    data = {"org": personas.yancheng.pk, "name": "李师傅", "employer": "厂", "trade": "焊工",
            "title": "工匠", "year": 2026}  # fmt: skip
    with nothing_written():
        bad = client.post("/activities/craftsmen/new/", data)
    assert bad.status_code == 422 and "org" in bad.context["form"].errors


def test_studio_pages_list_create_and_edit(personas, client):
    leader = services.craftsman_nominate(
        actor=SYSTEM, org=personas.yancheng, name="王工", employer="郾城机械厂", trade="钳工",
        year=2026,
    )  # fmt: skip
    client.force_login(personas.yancheng_officer)
    assert client.get("/activities/studios/new/").status_code == 200
    data = {"org": personas.yancheng.pk, "name": "王工劳模创新工作室",
            "established_on": str(TODAY()), "leader": leader.pk}  # fmt: skip
    assert client.post("/activities/studios/new/", data).status_code == 302
    studio = CraftsmanStudio.objects.get()
    assert (studio.leader_name, studio.enterprise_name) == ("王工", "郾城机械厂")
    assert "王工劳模创新工作室" in client.get("/activities/studios/").content.decode()
    edit = f"/activities/studios/{studio.pk}/edit/"
    assert client.get(edit).context["form"]["name"].value() == "王工劳模创新工作室"
    changed = {"name": "王工技能大师工作室", "established_on": str(TODAY()), "leader": leader.pk,
               "enterprise_name": "郾城机械厂"}  # fmt: skip
    response = client.post(edit, changed)
    assert response.status_code == 302
    studio.refresh_from_db()
    assert studio.name == "王工技能大师工作室"
    assert AuditLog.objects.filter(object_id=str(studio.pk), action="update").exists()


def test_studio_pages_show_field_errors_and_write_nothing(personas, client):
    services.studio_create(actor=SYSTEM, org=personas.yancheng, name="甲工作室",
                           established_on=TODAY(), leader_name="甲")  # fmt: skip
    studio = services.studio_create(actor=SYSTEM, org=personas.yancheng, name="乙工作室",
                                    established_on=TODAY(), leader_name="乙")  # fmt: skip
    client.force_login(personas.yancheng_officer)
    with nothing_written():
        bad = client.post("/activities/studios/new/", {"org": personas.yancheng.pk,
                                                       "name": "甲工作室",
                                                       "established_on": str(TODAY())})  # fmt: skip
    assert bad.status_code == 422 and "name" in bad.context["form"].errors
    with nothing_written():
        bad = client.post(f"/activities/studios/{studio.pk}/edit/",
                          {"name": "甲工作室", "established_on": str(TODAY())})  # fmt: skip
    assert bad.status_code == 422 and "name" in bad.context["form"].errors


def test_studio_edit_is_404_outside_the_scope(personas, client):
    studio = services.studio_create(actor=SYSTEM, org=personas.yancheng, name="甲工作室",
                                    established_on=TODAY(), leader_name="甲")  # fmt: skip
    client.force_login(personas.hunan_officer)
    edit = f"/activities/studios/{studio.pk}/edit/"
    assert client.get(edit).status_code == 404
    with nothing_written():
        response = client.post(edit, {"name": "改名", "established_on": str(TODAY())})
    assert response.status_code == 404
    assert "甲工作室" not in client.get("/activities/studios/").content.decode()


def test_api_records_rounds_metrics_and_studio_changes_in_scope(personas, api):
    contest = factories.contest(personas.yancheng, metric_name="销售额", metric_unit="元")
    entry = services.contest_entry_add(actor=SYSTEM, contest=contest, name="主播甲")
    studio = services.studio_create(actor=SYSTEM, org=personas.yancheng, name="甲工作室",
                                    established_on=TODAY(), leader_name="甲")  # fmt: skip
    base = f"/api/activities/contests/{contest.pk}"
    outsider = api(personas.hunan_officer)
    with nothing_written(but=("accounts.ApiToken",)):
        assert outsider.post(f"{base}/rounds", {"name": "复赛"}).status_code == 404
        assert (
            outsider.post(f"{base}/metrics", {"entry_id": entry.pk, "value": 1}).status_code == 404
        )
        assert outsider.patch(f"/api/activities/studios/{studio.pk}",
                              {"name": "改"}).status_code == 404  # fmt: skip
    officer = api(personas.yancheng_officer)
    assert officer.post(f"{base}/rounds", {"name": "复赛"}).json()["position"] == 3
    metric = officer.post(f"{base}/metrics", {"entry_id": entry.pk, "value": "99.5"})
    assert metric.status_code == 201 and Decimal(metric.json()["metric_value"]) == Decimal("99.5")
    assert officer.get(base).json()["metric_unit"] == "元"
    renamed = officer.patch(f"/api/activities/studios/{studio.pk}", {"name": "乙工作室"})
    assert renamed.json()["name"] == "乙工作室"
