"""A founding case's timeline (建会过程) on the shared history base: every move is a row naming
who acted, on the page, in the API, after the account is gone."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gonghui.enterprises.tests.factories import enterprise
from gonghui.founding import services
from gonghui.founding.choices import REQUIRED_DOCUMENTS, STEP_ORDER

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
