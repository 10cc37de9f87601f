"""Medical mutual aid as a flow: units enrolled per year, their participants (registered by an
officer or the worker's own enrolment), claims, the decision and the payout; pages and API."""

import pytest

from gonghui.aid import services
from gonghui.aid.models import MutualAidClaim, MutualAidParticipant
from gonghui.cases.tests.test_views import signed_in
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

pytestmark = pytest.mark.django_db
BUT = ("sessions.Session",)


@pytest.fixture
def unit(personas):
    return services.mutual_aid_enrol(
        actor=SYSTEM, union=personas.yancheng, unit_name="郾城康养集团", year=2026, participants=80
    )


@pytest.fixture
def this_year(monkeypatch):
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 11, 29))


def test_worker_takes_part_files_a_claim_officer_approves_and_pays_worker_sees_it(
    personas, yancheng_member, unit, this_year
):
    worker = signed_in(personas.worker)
    page = worker.get("/cases/mutual-aid/mine").content.decode()
    assert "郾城康养集团" in page and 'id="self-enrol-form"' in page
    assert worker.post("/cases/mutual-aid/mine", {"enrolment": unit.pk}).status_code == 302
    participant = MutualAidParticipant.objects.get()
    assert (participant.member, participant.year) == (yancheng_member, 2026)
    url = f"/cases/mutual-aid/claims/new?participant={participant.pk}"
    claim_form = {"illness": "骨折", "hospital": "郾城区人民医院", "medical_cost": "8000",
                  "claimed_amount": "3000"}  # fmt: skip
    response = worker.post(url, claim_form)
    claim = MutualAidClaim.objects.get()
    assert response["Location"] == f"/cases/mutual-aid/claims/{claim.pk}/"
    officer = signed_in(personas.yancheng_officer)
    claim_url = claim.get_absolute_url()
    assert 'id="decide-form"' in officer.get(claim_url).content.decode()
    officer.post(claim_url, {"action": "approve", "version": 1, "approved_amount": "2500"})
    officer.post(claim_url, {"action": "pay", "paid_on": "2026-11-25", "method": "bank"})
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == ("paid", 2500)
    assert (
        AuditLog.objects.filter(
            object_id=str(claim.pk), content_type__model="mutualaidclaim"
        ).count()
        == 3
    )
    mine = worker.get(claim_url).content.decode()
    assert 'data-status="paid"' in mine and "2026-11-25" in mine and 'id="decide-form"' not in mine


def test_bad_claim_shows_field_errors_and_writes_nothing(personas, yancheng_member, unit):
    participant = services.mutual_aid_participant_add(
        actor=personas.yancheng_officer, enrolment=unit, member=yancheng_member
    )
    worker = signed_in(personas.worker)
    url = f"/cases/mutual-aid/claims/new?participant={participant.pk}"
    with nothing_written(but=BUT):
        response = worker.post(
            url, {"illness": "", "hospital": "", "medical_cost": "100", "claimed_amount": "500"}
        )
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("illness", "hospital", "claimed_amount"):
        assert f'data-field="{field}"' in html, field


def test_officer_registers_a_participant_once_a_year(personas, yancheng_member, unit):
    officer = signed_in(personas.yancheng_officer)
    url = f"/cases/mutual-aid/{unit.pk}/"
    assert 'id="participant-form"' in officer.get(url).content.decode()
    number = {"member_number": yancheng_member.member_number}
    assert officer.post(url, number).status_code == 302
    assert MutualAidParticipant.objects.get().member == yancheng_member
    with nothing_written(but=BUT):
        again = officer.post(url, number)
        unknown = officer.post(url, {"member_number": "nope"})
    assert again.status_code == 422 and 'data-field="member_number"' in again.content.decode()
    assert 'data-field="member_number"' in unknown.content.decode()


def test_mutual_aid_pages_outside_scope_are_404(personas, yancheng_member, unit):
    participant = services.mutual_aid_participant_add(
        actor=SYSTEM, enrolment=unit, member=yancheng_member
    )
    claim = services.mutual_aid_claim_file(
        actor=SYSTEM, participant=participant, illness="骨折", hospital="医院",
        medical_cost="100", claimed_amount="50",
    )  # fmt: skip
    outsider = signed_in(personas.hunan_officer)
    with nothing_written(but=BUT):
        assert outsider.get(f"/cases/mutual-aid/{unit.pk}/").status_code == 404
        assert (
            outsider.post(f"/cases/mutual-aid/{unit.pk}/", {"member_number": "x"}).status_code
            == 404
        )
        assert outsider.get(claim.get_absolute_url()).status_code == 404
        approve = {"action": "approve", "version": 1, "approved_amount": "50"}
        assert outsider.post(claim.get_absolute_url(), approve).status_code == 404
        new = f"/cases/mutual-aid/claims/new?participant={participant.pk}"
        assert outsider.get(new).status_code == 404


def test_claim_flow_through_the_api(personas, yancheng_member, unit, api):
    officer = api(personas.yancheng_officer)
    added = officer.post(
        f"/api/mutual-aid/enrolments/{unit.pk}/participants", {"member_id": yancheng_member.pk}
    )
    assert added.status_code == 201, added.content
    filed = api(personas.worker).post(
        "/api/mutual-aid/claims",
        {"participant_id": added.json()["id"], "illness": "骨折", "hospital": "医院",
         "medical_cost": "800", "claimed_amount": "900"},
    )  # fmt: skip
    assert filed.status_code == 422 and "claimed_amount" in filed.json()["errors"]
    assert not MutualAidClaim.objects.exists()
