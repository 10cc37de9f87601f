"""The aid pages read input through forms, and a GET never writes."""

import pytest

from gonghui.aid import services
from gonghui.cases.tests.test_pages_read_only_get import writes_during
from gonghui.cases.tests.test_views import signed_in
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM

pytestmark = pytest.mark.django_db


def test_no_aid_page_writes_on_get(personas):
    officer_pages = ["/cases/hardship/", "/cases/mutual-aid/", "/cases/hardship/thresholds",
                     "/cases/mutual-aid/claims/"]  # fmt: skip
    assert writes_during(signed_in(personas.yancheng_officer), officer_pages) == []
    worker_pages = ["/cases/hardship/mine", "/cases/hardship/new", "/cases/mutual-aid/mine"]
    assert writes_during(signed_in(personas.worker), worker_pages) == []


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve", "version": "abc"},
        {"action": "approve", "version": "2", "note": "x" * 501},
        {"action": "reject", "version": "-1", "note": "不符合条件"},
        {"action": "approve-all"},
    ],
)
def test_a_hardship_decision_with_bad_input_writes_nothing(personas, hunan_member, data):
    services.hardship_threshold_set(actor=SYSTEM, union=personas.hunan, amount="800")
    application = services.hardship_apply(
        actor=SYSTEM, member=hunan_member, period="2026", reason="因病致困",
        household=[{"name": "本人", "relation": "本人", "monthly_income": 300}],
        requested_amount=5000,
    )  # fmt: skip
    audit_rows = AuditLog.objects.count()
    client = signed_in(personas.hunan_officer)
    response = client.post(f"/cases/hardship/{application.pk}/", data)
    assert response.status_code == 422
    assert 'id="errors"' in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.version) == ("submitted", 1)
    assert AuditLog.objects.count() == audit_rows


def test_aid_filters_are_read_through_a_form_and_bad_values_ignored(personas):
    client = signed_in(personas.yancheng_officer)
    assert client.get("/cases/hardship/?status=nonsense").status_code == 200
    assert client.get("/cases/mutual-aid/?year=20x6").status_code == 200
