"""A founding case's timeline (建会过程) and an enterprise's visits (走访记录) on the shared history
base: every move is a row naming who acted, on the page, in the API, after the account is gone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from gonghui.enterprises import services
from gonghui.enterprises.choices import REQUIRED_DOCUMENTS, STEP_ORDER
from gonghui.enterprises.models import FoundingEvent, Visit

from .factories import enterprise
from .test_founding import complete_step, open_case, pdf

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def timeline_of(html: str) -> str:
    start = html.index('<ol class="timeline" id="timeline">')
    return html[start : html.index("</ol>", start)]


def test_each_founding_move_is_a_timeline_row_by_its_actor(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    row = case.steps.get(step=STEP_ORDER[0])
    services.founding_step_update(actor=officer, step=row, note="已约企业负责人")
    case = complete_step(officer, case, STEP_ORDER[0])
    rows = list(case.events.values_list("kind", "step", "actor_label", "note"))
    assert rows == [
        ("opened", "", "yancheng_officer", ""),
        ("step_updated", "apply", "yancheng_officer", "已约企业负责人"),
        ("document_added", "apply", "yancheng_officer", "材料.pdf"),
        ("signed_off", "apply", "yancheng_officer", ""),
    ]


def test_founding_the_union_ends_the_timeline_with_its_name(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)], name="郾城示例工会")
    for step in STEP_ORDER:
        case = complete_step(officer, case, step)
    last = case.events.last()
    assert (last.kind, last.note) == ("established", "郾城示例工会")
    assert case.events.filter(kind="signed_off").count() == len(STEP_ORDER)


def test_a_refused_sign_off_writes_no_timeline_row(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    with pytest.raises(ValidationError, match="签批前请上传"):
        services.founding_step_sign_off(actor=officer, case=case, step=STEP_ORDER[0])
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]


def test_the_page_names_who_signed_off_even_after_their_account_is_deleted(personas):
    signer = personas.luohe_officer
    case = open_case(signer, [enterprise(personas.yancheng)])
    complete_step(signer, case, STEP_ORDER[0])
    signer.delete()
    html = signed_in(personas.yancheng_officer).get(case.get_absolute_url()).content.decode()
    step_card = html[html.index('data-step="apply"') :]
    step_card = step_card[: step_card.index("</li>")]
    assert "luohe_officer ·" in step_card and "system" not in step_card
    timeline = timeline_of(html)
    assert timeline.count('<li class="event') == 3
    assert "操作人：luohe_officer" in timeline and "材料.pdf" in timeline


def test_the_api_lists_the_timeline_and_hides_it_outside_the_scope(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    row = case.steps.get(step=STEP_ORDER[0])
    services.founding_document_add(
        actor=officer, step=row, doc_type=REQUIRED_DOCUMENTS[STEP_ORDER[0]], uploaded=pdf()
    )
    response = signed_in(officer).get(f"/api/founding-cases/{case.pk}/events")
    assert response.status_code == 200
    assert [(e["kind"], e["step"], e["actor_label"]) for e in response.json()] == [
        ("opened", "", "yancheng_officer"),
        ("document_added", "apply", "yancheng_officer"),
    ]
    assert response.json()[1]["kind_label"] == "上传材料"
    outside = signed_in(personas.hunan_officer).get(f"/api/founding-cases/{case.pk}/events")
    assert outside.status_code == 404 and "yancheng_officer" not in outside.content.decode()


@pytest.mark.django_db(transaction=True)
def test_cases_opened_before_the_timeline_get_theirs_from_their_rows(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    complete_step(officer, case, STEP_ORDER[0])
    executor = MigrationExecutor(connection)
    executor.migrate([("enterprises", "0001_initial")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = list(
        FoundingEvent.objects.filter(case_id=case.pk).values_list("kind", "step", "actor_label")
    )
    assert rows == [("opened", "", "yancheng_officer"), ("signed_off", "apply", "yancheng_officer")]


# ---- visits (走访记录): the enterprise's outreach history on the same base ----------------------


def test_a_visit_names_its_officer_on_the_page_after_the_account_is_gone(personas):
    firm = enterprise(personas.yancheng, name="走访示例公司")
    visitor = personas.luohe_officer
    services.visit_record(
        actor=visitor, enterprise=firm, visited_on=datetime.date(2026, 11, 2), result="agreed"
    )
    visitor.delete()
    html = signed_in(personas.yancheng_officer).get(firm.get_absolute_url()).content.decode()
    row = html[html.index("2026-11-02") :]
    row = row[: row.index("</tr>")]
    assert "<td>luohe_officer</td>" in row and "同意建会" in row


def test_the_visit_api_keeps_its_fields_and_adds_who_acted(personas):
    firm = enterprise(personas.yancheng)
    officer = personas.yancheng_officer
    response = signed_in(officer).post(
        f"/api/enterprises/{firm.pk}/visits",
        {"visited_on": "2026-11-03", "result": "follow_up", "follow_up_on": "2026-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["officer_id"], body["result"], body["kind"]) == (
        officer.pk,
        "follow_up",
        "follow_up",
    )
    assert body["actor_label"] == "yancheng_officer" and body["visited_on"] == "2026-11-03"
    listed = signed_in(officer).get(f"/api/enterprises/{firm.pk}/visits").json()
    assert [v["id"] for v in listed] == [body["id"]]


@pytest.mark.django_db(transaction=True)
def test_visits_recorded_before_the_history_base_get_their_visitor_as_text(personas):
    firm = enterprise(personas.yancheng)
    services.visit_record(
        actor=personas.yancheng_officer,
        enterprise=firm,
        visited_on=datetime.date(2026, 11, 2),
        result="refused",
        note="负责人不在",
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("enterprises", "0003_foundingevent_backfill")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    visit = Visit.objects.get(enterprise=firm)
    assert (visit.actor_label, visit.actor_id, visit.kind, visit.note) == (
        "yancheng_officer",
        personas.yancheng_officer.pk,
        "refused",
        "负责人不在",
    )
