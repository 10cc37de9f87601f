"""The configuration pages: case types with their questions, and the holiday calendar. Province
officers and up configure (the types are shared); anyone else gets 404."""

import datetime

import pytest

from gonghui.cases.models import CaseType, Holiday
from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written

from .test_views import signed_in

pytestmark = pytest.mark.django_db

NEW_TYPE = {"code": "gig_injury", "name": "新就业形态职业伤害", "description": "",
            "handling_level": "county", "ack_days": 2, "resolve_days": 20, "sort_order": 9,
            "is_active": "on", "q0_name": "platform", "q0_label": "平台名称", "q0_type": "text",
            "q0_required": "on", "q1_name": "injury", "q1_label": "伤害类型", "q1_type": "choice",
            "q1_choices": "摔伤\n交通事故\n"}  # fmt: skip


def test_province_officer_creates_a_type_with_questions(personas):
    client = signed_in(personas.hunan_officer)
    listing = client.get("/cases/types/")
    assert listing.status_code == 200 and 'data-type="wage_arrears"' in listing.content.decode()
    assert 'id="id_q0_name"' in client.get("/cases/types/new").content.decode()
    response = client.post("/cases/types/new", NEW_TYPE)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = CaseType.objects.get(code="gig_injury")
    assert created.form_fields == [
        {"name": "platform", "label": "平台名称", "type": "text", "required": True},
        {"name": "injury", "label": "伤害类型", "type": "choice", "required": False,
         "choices": ["摔伤", "交通事故"]},
    ]  # fmt: skip
    assert AuditLog.objects.filter(
        object_id=str(created.pk), content_type__model="casetype"
    ).exists()


def test_editing_a_type_keeps_its_questions_and_changes_what_was_changed(personas, types):
    wage = types["wage_arrears"]
    questions = [dict(spec) for spec in wage.form_fields]
    client = signed_in(personas.hunan_officer)
    page = client.get(f"/cases/types/{wage.pk}/").content.decode()
    assert 'value="amount_owed"' in page and 'id="id_code"' not in page
    form = {"name": wage.name, "description": wage.description, "handling_level": "county",
            "ack_days": 1, "resolve_days": 10, "sort_order": 0, "is_active": "on"}  # fmt: skip
    for n, spec in enumerate(wage.form_fields):
        form.update({f"q{n}_name": spec["name"], f"q{n}_label": spec["label"],
                     f"q{n}_type": spec["type"], f"q{n}_min": spec.get("min", ""),
                     f"q{n}_required": spec.get("required") or ""})  # fmt: skip
    response = client.post(f"/cases/types/{wage.pk}/", form)
    assert response.status_code == 302
    wage.refresh_from_db()
    assert (wage.ack_days, wage.resolve_days) == (1, 10)
    assert wage.form_fields == questions


def test_bad_type_shows_field_errors_and_writes_nothing(personas):
    client = signed_in(personas.hunan_officer)
    bad = {**NEW_TYPE, "code": "Bad Code", "ack_days": 30, "resolve_days": 5}
    with nothing_written(but=("sessions.Session",)):
        response = client.post("/cases/types/new", bad)
        questions = client.post("/cases/types/new", {**NEW_TYPE, "q1_choices": ""})
    assert response.status_code == 422
    assert 'data-field="code"' in response.content.decode()
    assert 'data-field="form_fields"' in questions.content.decode()
    assert 'aria-describedby="form_fields_error"' in questions.content.decode()


def test_county_officer_and_worker_get_404_on_configuration(personas, types):
    for user in (personas.yancheng_officer, personas.worker):
        client = signed_in(user)
        with nothing_written(but=("sessions.Session",)):
            assert client.get("/cases/types/").status_code == 404
            assert client.post("/cases/types/new", NEW_TYPE).status_code == 404
            assert client.get("/cases/holidays/").status_code == 404
            post = client.post("/cases/holidays/", {"date": "2026-12-31", "kind": "holiday"})
            assert post.status_code == 404


def test_province_officer_sets_and_clears_a_day_on_the_calendar(personas):
    client = signed_in(personas.hunan_officer)
    page = client.get("/cases/holidays/?year=2026")
    assert page.status_code == 200 and 'id="holiday-form"' in page.content.decode()
    response = client.post(
        "/cases/holidays/", {"date": "2026-12-31", "kind": "holiday", "name": "跨年"}
    )
    assert response["Location"] == "/cases/holidays/?year=2026"
    day = Holiday.objects.get(date=datetime.date(2026, 12, 31))
    assert (day.kind, day.name) == ("holiday", "跨年")
    assert 'data-date="2026-12-31"' in client.get("/cases/holidays/?year=2026").content.decode()
    client.post("/cases/holidays/", {"date": "2026-12-31", "kind": ""})
    assert not Holiday.objects.filter(date=datetime.date(2026, 12, 31)).exists()


def test_bad_day_is_a_field_error_and_nothing_is_written(personas):
    client = signed_in(personas.hunan_officer)
    with nothing_written(but=("sessions.Session",)):
        response = client.post("/cases/holidays/", {"date": "2026-02-30", "kind": "party"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="date"' in html and 'data-field="kind"' in html
