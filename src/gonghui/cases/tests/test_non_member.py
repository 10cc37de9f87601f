"""A worker who is not a member is heard: the appeal is accepted, routed by where they work, and
they are offered to join with what they already typed; the form can be opened pre-filled."""

import pytest

from gonghui.accounts.services import user_create
from gonghui.cases.models import Case
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

from .test_views import signed_in

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
APPEAL = {"case_type": "wage_arrears", "description": "工地拖欠两个月工资",
          "employer": "某劳务公司", "amount_owed": "12000", "applicant_name": "李师傅",
          "work_place": "新屋岭"}  # fmt: skip


@pytest.fixture
def stranger(personas):
    """Signed in with a phone (the code proved it), but no member record."""
    return user_create(actor=SYSTEM, username=PHONE, password=None, role="worker", phone=PHONE)


def test_non_member_files_an_appeal_routed_by_place_and_is_offered_to_join(personas, stranger):
    client = signed_in(stranger)
    page = client.get("/cases/new?type=wage_arrears")
    assert page.status_code == 200 and 'id="id_applicant_name"' in page.content.decode()
    response = client.post("/cases/new", APPEAL)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.member, case.applicant_phone, case.handling_union) == (
        None, PHONE, personas.xinwuling,
    )  # fmt: skip
    audit = AuditLog.objects.get(object_id=str(case.pk), content_type__model="case")
    assert "applicant_phone" in audit.changes and PHONE not in str(audit.changes)
    detail = client.get(case.get_absolute_url()).content.decode()
    assert 'id="join-offer"' in detail
    assert "/join?name=%E6%9D%8E%E5%B8%88%E5%82%85&amp;phone=13912345678" in detail
    assert case.title in client.get("/cases/mine").content.decode()


def test_officer_of_the_place_sees_the_non_member_case(personas, stranger):
    signed_in(stranger).post("/cases/new", APPEAL)
    case = Case.objects.get()
    officer = signed_in(personas.hunan_officer).get(case.get_absolute_url())
    assert officer.status_code == 200 and 'id="non-member"' in officer.content.decode()
    assert PHONE not in officer.content.decode()
    assert signed_in(personas.yancheng_officer).get(case.get_absolute_url()).status_code == 404


def test_non_member_without_name_or_place_gets_field_errors_and_nothing_is_written(
    personas, stranger
):
    client = signed_in(stranger)
    bad = {**APPEAL, "applicant_name": "", "work_place": "", "employer": "", "description": ""}
    with nothing_written(but=("sessions.Session",)):
        response = client.post("/cases/new", bad)
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("applicant_name", "work_place", "description", "employer"):
        assert f'data-field="{field}"' in html, field
    with nothing_written(but=("sessions.Session",)):
        nowhere = client.post("/cases/new", {**APPEAL, "employer": "", "work_place": "火星"})
    assert 'data-field="work_place"' in nowhere.content.decode()


def test_another_phone_cannot_see_the_non_member_case(personas, stranger):
    signed_in(stranger).post("/cases/new", APPEAL)
    case = Case.objects.get()
    response = signed_in(personas.worker).get(case.get_absolute_url())
    assert response.status_code == 404 and "工地拖欠两个月工资" not in response.content.decode()


def test_non_member_appeals_are_limited_per_phone(personas, stranger, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "appeal_phone": (1, 86400)}
    client = signed_in(stranger)
    client.post("/cases/new", APPEAL)
    response = client.post("/cases/new", APPEAL)
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert Case.objects.count() == 1


def test_non_member_appeal_through_the_api(personas, stranger, api):
    client = api(stranger)
    response = client.post(
        "/api/cases",
        {"case_type": "legal_aid", "description": "被辞退未补偿", "applicant_name": "李师傅",
         "work_place": "新屋岭", "form_data": {"matter": "劳动合同", "employer": "某厂"}},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["member_id"] is None and response.json()["member_name"] == "李师傅"


def test_text_and_type_in_the_address_prefill_the_form(personas, yancheng_member):
    client = signed_in(personas.worker)
    page = client.get("/cases/new?type=wage_arrears&text=老板欠我三个月工资").content.decode()
    assert "老板欠我三个月工资</textarea>" in page
    chooser = client.get("/cases/new?text=欠薪").content.decode()
    assert "?type=wage_arrears&amp;text=%E6%AC%A0%E8%96%AA" in chooser


def test_signing_in_keeps_the_prefilled_address(client):
    response = client.get("/cases/new?type=wage_arrears&text=x")
    assert response.status_code == 302
    assert response["Location"] == "/me/login?next=%2Fcases%2Fnew%3Ftype%3Dwage_arrears%26text%3Dx"
