"""Issue 12 item 2: one history base (core.history.HistoryEvent) under every per-object timeline,
and one way of naming who acted, on the timelines and on the audit page alike."""

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.history import HistoryEvent, who
from gonghui.core.models import AuditLog
from gonghui.members import services as member_services
from gonghui.members.models import MemberEvent
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_every_model_with_a_kind_and_an_actor_is_a_history_event():
    timelines = [
        model
        for model in apps.get_models()
        if {"kind", "actor", "actor_label"} <= {f.name for f in model._meta.get_fields()}
    ]
    assert {m._meta.label for m in timelines} >= {"members.MemberEvent", "cases.CaseEvent"}
    assert [m._meta.label for m in timelines if not issubclass(m, HistoryEvent)] == []
    for model in timelines:
        fields = {f.name: f for f in model._meta.concrete_fields}
        assert fields["note"].get_internal_type() == "TextField", model
        assert fields["actor"].remote_field.on_delete.__name__ == "SET_NULL", model
        assert str(fields["actor"].verbose_name) == "操作人", model


def test_who_says_system_and_online_workers_in_words():
    assert who("system") == "系统"
    assert who("anonymous") == "本人（线上）"
    assert who("") == "本人（线上）"
    assert who("luohe_officer") == "luohe_officer"


@given(st.text(max_size=20), st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.text(max_size=20))
def test_who_never_shows_a_phone_number_in_an_account_name(before, mobile, after):
    shown = who(f"{before} {mobile} {after}")
    assert mobile not in shown


def test_a_history_row_keeps_who_acted_after_the_account_is_deleted(personas):
    member = make_member(personas.xinwuling, actor=personas.hunan_officer)
    member_services.member_set_status(
        actor=personas.hunan_officer, member=member, status="lapsed", note="连续欠缴"
    )
    personas.hunan_officer.delete()
    event = MemberEvent.objects.get(member=member, kind="lapsed")
    assert event.actor_id is None and event.actor_label == "hunan_officer"
    assert event.actor_words == "hunan_officer" and event.note == "连续欠缴"


def test_member_history_on_the_page_names_who_acted_through_the_shared_timeline(client, personas):
    member = make_member(personas.xinwuling)
    member_services.member_set_status(
        actor=personas.hunan_officer, member=member, status="lapsed", note="连续欠缴"
    )
    client.force_login(personas.hunan_officer)
    page = client.get(f"/members/{member.pk}/").content.decode()
    timeline = page[page.index('<ol class="timeline" id="history">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count('<li class="event') == 2
    assert "操作人：系统" in timeline  # the join, by the demo/system actor
    assert "操作人：hunan_officer" in timeline and "连续欠缴" in timeline


def test_audit_page_names_the_system_as_timelines_do_and_finds_it_by_those_words(client, personas):
    member = make_member(personas.xinwuling, name="审计测试")
    assert AuditLog.objects.filter(object_id=str(member.pk), actor_label="system").exists()
    client.force_login(personas.hunan_officer)
    page = client.get("/audit/", {"actor": "系统", "type": "members.member"}).content.decode()
    assert "审计测试" in page
    assert '<td data-label="操作人">系统</td>' in page
    assert '<td data-label="操作人">system</td>' not in page
    nobody = client.get("/audit/", {"actor": "没有这个人", "type": "members.member"})
    assert "审计测试" not in nobody.content.decode()
