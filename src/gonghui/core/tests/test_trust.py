"""Issue 10 ("Trust") and issue 11 item 5: exports that never fail and never run formulas,
personal data masked in the audit log, exports and ID reveals audited, an audit page in the
officer's words, and public media served as images only."""

import datetime
import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gonghui.accounts.services import user_create
from gonghui.core import audit as audit_module
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import is_valid_id_card, mask_id_card
from gonghui.members import services as member_services
from gonghui.members.models import Member
from gonghui.members.tests.factories import make_member
from gonghui.stations.models import Facility

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/x","点击领取")'


def workbook_rows(response, sheet=0):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[sheet].iter_rows(values_only=True))


def rename(member, name):
    # Stored text as an older version (or another door) may have let it in.
    Member.objects.filter(pk=member.pk).update(name=name)


def export_rows():
    return AuditLog.objects.filter(action="export")


# ---- Exports --------------------------------------------------------------------------------


def test_member_export_answers_200_when_a_name_holds_a_control_character(client, personas):
    member = make_member(personas.yancheng, name="王五")
    rename(member, "王\x1b五")
    client.force_login(personas.luohe_officer)
    response = client.get("/members/export.xlsx")
    assert response.status_code == 200
    names = [row[1] for row in workbook_rows(response)[1:]]
    assert names == ["王五"]


def test_member_export_answers_200_when_a_name_holds_a_nul(client, personas):
    """SQLite stores a NUL that slipped past the boundary; PostgreSQL text cannot hold one, so
    there the database itself refuses it and the export carries the name without it."""
    from django.db import DataError, connection, transaction

    member = make_member(personas.yancheng, name="李四")
    if connection.vendor == "sqlite":
        rename(member, "李\x00四\x07")
    else:
        with pytest.raises(DataError), transaction.atomic():
            rename(member, "李\x00四\x07")
        rename(member, "李四\x07")
    client.force_login(personas.luohe_officer)
    response = client.get("/members/export.xlsx")
    assert response.status_code == 200
    assert [row[1] for row in workbook_rows(response)[1:]] == ["李四"]


def test_member_export_writes_a_formula_name_as_quoted_text(client, personas):
    member = make_member(personas.yancheng, name="赵六")
    rename(member, EVIL)
    client.force_login(personas.luohe_officer)
    rows = workbook_rows(client.get("/members/export.xlsx"))
    assert rows[1][1] == "'" + EVIL


def test_member_export_is_an_audit_row_with_filter_and_row_count(client, personas):
    for _n in range(3):
        make_member(personas.yancheng)
    make_member(personas.xinwuling)
    client.force_login(personas.luohe_officer)
    response = client.get("/members/export.xlsx", {"union_id": personas.yancheng.pk})
    assert len(workbook_rows(response)) == 4
    entry = export_rows().get()
    assert entry.actor == personas.luohe_officer
    assert entry.content_type == ContentType.objects.get_for_model(Member)
    assert entry.org_path == personas.yancheng.path
    assert entry.changes["rows"] == 3
    assert entry.changes["filters"]["union"] == "郾城区总工会"
    assert entry.changes["filters"]["phones"] is False


def test_member_export_audit_row_masks_a_phone_typed_into_the_search(client, personas):
    member = make_member(personas.yancheng, phone="13912345678")
    client.force_login(personas.luohe_officer)
    client.get("/members/export.xlsx", {"q": member.phone})
    entry = export_rows().get()
    assert entry.changes["filters"]["q"] == "139****5678"
    assert "13912345678" not in str(entry.changes)


def test_report_export_quotes_formula_text_and_is_audited(client, personas):
    from gonghui.campaigns import services as activity_services
    from gonghui.campaigns.tests import factories

    campaign = factories.campaign(personas.yancheng, name=EVIL)
    activity_services.delivery_record(
        actor=SYSTEM,
        campaign=campaign,
        item=campaign.items.get(),
        beneficiary=activity_services.Beneficiary(member=make_member(personas.yancheng)),
    )
    client.force_login(personas.luohe_officer)
    today = datetime.date.today()
    response = client.get(
        "/activities/report.xlsx", {"start": f"{today.year}-01-01", "end": str(today)}
    )
    assert response.status_code == 200
    names = [row[0] for row in workbook_rows(response)[2:]]
    assert "'" + EVIL in names and EVIL not in names
    entry = export_rows().get()
    assert entry.actor == personas.luohe_officer and entry.org_path == personas.luohe.path
    assert entry.changes["filters"]["org"] == "漯河市总工会"


# ---- Masking in the audit log ---------------------------------------------------------------


def test_audit_row_of_a_new_member_holds_the_phone_masked(personas):
    member = make_member(personas.yancheng, phone="13912345678")
    entry = AuditLog.objects.get(content_type__model="member", object_id=str(member.pk))
    assert entry.changes["phone"] == [None, "139****5678"]
    assert "13912345678" not in str(entry.changes)


def test_phone_change_is_logged_masked(personas):
    member = make_member(personas.yancheng, phone="13912345678")
    member_services.member_update(actor=SYSTEM, member=member, phone="13787654321")
    entry = AuditLog.objects.filter(action="update", object_id=str(member.pk)).get()
    assert entry.changes["phone"] == ["139****5678", "137****4321"]


def test_api_audit_masks_phones_also_in_rows_written_before_masking(api, personas):
    member = make_member(personas.yancheng, phone="13912345678")
    old = AuditLog.objects.get(content_type__model="member", object_id=str(member.pk))
    AuditLog.objects.filter(pk=old.pk).update(
        changes={"phone": [None, "13912345678"], "emergency_contact_phone": ["", "13800001111"]}
    )
    response = api(personas.luohe_officer).get("/api/audit", object_type="members.member")
    body = response.content.decode()
    assert response.status_code == 200
    assert "13912345678" not in body and "13800001111" not in body
    item = next(i for i in response.json()["items"] if i["id"] == old.pk)
    assert item["changes"]["phone"] == [None, "139****5678"]
    assert item["changes"]["emergency_contact_phone"] == ["", "138****1111"]


def test_a_worker_named_by_phone_is_masked_as_actor_and_as_object(client, api, personas):
    from gonghui.core import audit

    worker = user_create(
        actor=SYSTEM, username="13912345678", password=None, role="worker", phone="13912345678"
    )
    created = AuditLog.objects.get(content_type__model="user", object_id=str(worker.pk))
    assert created.object_repr == "139****5678"
    assert created.changes["username"] == [None, "139****5678"]
    assert created.changes["phone"] == [None, "139****5678"]
    member = make_member(personas.yancheng)
    acted = audit.record(
        actor=worker, action="update", instance=member, org_path=personas.yancheng.path, changes={}
    )
    assert acted.actor_label == "139****5678"
    # A row written before masking existed is shown masked on the page and in the API.
    AuditLog.objects.filter(pk=acted.pk).update(actor_label="13912345678")
    client.force_login(personas.luohe_officer)
    page = client.get("/audit/").content.decode()
    body = api(personas.luohe_officer).get("/api/audit").content.decode()
    assert "139****5678" in page and "139****5678" in body
    assert "13912345678" not in page and "13912345678" not in body
    officer_row = audit.record(
        actor=personas.luohe_officer,
        action="update",
        instance=member,
        org_path=personas.yancheng.path,
        changes={},
    )
    assert officer_row.actor_label == "luohe_officer"


def test_an_id_number_never_reaches_the_log(personas):
    from gonghui.core import audit
    from gonghui.members.tests.factories import id_card

    member = make_member(personas.yancheng)
    number = id_card()
    entry = audit.record(
        actor=SYSTEM,
        action="update",
        instance=member,
        org_path=personas.yancheng.path,
        changes={"id_card": [None, number], "note": [None, f"核对 {number}"]},
    )
    entry.refresh_from_db()
    assert number not in str(entry.changes)
    assert entry.changes["id_card"] == [None, number[:4] + "*" * 10 + number[-4:]]


def test_showing_the_full_id_is_its_own_audit_action(client, personas):
    member = make_member(personas.xinwuling)
    client.force_login(personas.hunan_officer)
    client.post(f"/members/{member.pk}/", {"action": "show_id"})
    entry = AuditLog.objects.get(action="reveal_id")
    assert entry.actor == personas.hunan_officer and entry.object_id == str(member.pk)
    page = client.get("/audit/").content.decode()
    assert "查看完整身份证号码" in page


# ---- The audit page -------------------------------------------------------------------------


def test_audit_page_shows_labels_choice_labels_names_and_local_time(client, personas):
    with time_machine.travel(datetime.datetime(2026, 11, 29, 17, 30, tzinfo=datetime.UTC)):
        member = make_member(personas.yancheng, name="孙七", phone="13912345678")
    client.force_login(personas.luohe_officer)
    page = client.get("/audit/", {"type": "members.member"}).content.decode()
    assert "2026-11-30 01:30" in page  # Beijing time, not 17:30 UTC
    assert "手机号码" in page and "139****5678" in page and "13912345678" not in page
    assert "职业群体" in page and "快递员" in page  # the label, not "courier"
    assert "郾城区总工会" in page  # the union's name, not its id
    assert "occupation_group" not in page and "courier" not in page
    assert member.name in page


def test_audit_page_filters_by_actor_type_org_and_dates(client, personas):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 4, tzinfo=datetime.UTC)):
        make_member(personas.yancheng, name="早入会", actor=personas.luohe_officer)
    with time_machine.travel(datetime.datetime(2026, 6, 1, 4, tzinfo=datetime.UTC)):
        make_member(personas.yancheng_project, name="晚入会", actor=personas.yancheng_officer)
    client.force_login(personas.luohe_officer)

    def reprs(**query):
        response = client.get("/audit/", query)
        assert response.status_code == 200
        return {row.entry.object_repr.split("（")[0] for row in response.context["rows"]}

    assert {"早入会", "晚入会"} <= reprs(type="members.member")
    assert reprs(type="members.member", actor="yancheng_officer") == {"晚入会"}
    assert reprs(type="members.member", org=personas.yancheng_project.pk) == {"晚入会"}
    assert reprs(type="members.member", start="2026-02-01", end="2026-03-31") == {"早入会"}
    assert "郾城区总工会" not in reprs(type="members.member")  # orgs are another type


def test_audit_page_org_filter_outside_scope_is_404(client, personas):
    client.force_login(personas.luohe_officer)
    response = client.get("/audit/", {"org": personas.hunan.pk})
    assert response.status_code == 404
    assert "湖南省总工会" not in response.content.decode()


def test_audit_export_is_neutralised_scoped_and_audited(client, personas):
    make_member(personas.yancheng, name="钱八")
    rename(Member.objects.get(name="钱八"), EVIL)  # object_repr keeps the name it had
    make_member(personas.xinwuling, name="湖南会员")
    entry = AuditLog.objects.get(object_repr__startswith="钱八")
    AuditLog.objects.filter(pk=entry.pk).update(object_repr=EVIL + "\x1b")
    client.force_login(personas.luohe_officer)
    response = client.get("/audit/export.xlsx", {"type": "members.member"})
    assert response.status_code == 200
    rows = workbook_rows(response)
    objects = [row[4] for row in rows[1:]]
    assert "'" + EVIL in objects and "湖南会员" not in objects
    assert all(value != EVIL for row in rows for value in row)
    export = export_rows().get()
    assert export.content_type.model == "auditlog"
    assert export.changes["rows"] == len(rows) - 1
    assert export.changes["filters"]["type"] == "members.member"


# ---- Facility types -------------------------------------------------------------------------


def national_officer(personas):
    return user_create(
        actor=SYSTEM,
        username="national_officer",
        password="x-password-1",
        role="national_officer",
        organization=personas.national,
    )


def test_a_county_officer_cannot_add_a_nationwide_facility_type(api, client, personas):
    response = api(personas.yancheng_officer).post(
        "/api/stations/facilities", {"code": "spa", "name": "水疗"}
    )
    assert response.status_code == 403
    client.force_login(personas.luohe_officer)
    page = client.get("/stations/facilities/").content.decode()
    assert 'name="code"' not in page
    response = client.post("/stations/facilities/", {"code": "sauna", "name": "桑拿"})
    assert response.status_code == 403
    assert not Facility.objects.filter(code__in=["spa", "sauna"]).exists()
    assert not AuditLog.objects.filter(content_type__model="facility").exists()


def test_a_national_officer_adds_a_facility_type(api, personas):
    response = api(national_officer(personas)).post(
        "/api/stations/facilities", {"code": "spa", "name": "水疗"}
    )
    assert response.status_code == 201
    assert Facility.objects.get(code="spa").name == "水疗"


# ---- Public media ---------------------------------------------------------------------------


def test_station_photos_are_served_as_images_with_nosniff(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "stations").mkdir()
    (tmp_path / "stations" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    response = client.get("/media/stations/a.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0 jpeg"


def test_media_never_serves_other_files_or_private_folders(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "stations").mkdir()
    (tmp_path / "private").mkdir()
    (tmp_path / "stations" / "x.html").write_text("<script>alert(1)</script>")
    (tmp_path / "stations" / "x.svg").write_text("<svg onload=alert(1)>")
    (tmp_path / "private" / "case.jpg").write_bytes(b"secret")
    for url in [
        "/media/stations/x.html",
        "/media/stations/x.svg",
        "/media/stations/../private/case.jpg",
        "/media/stations/%2e%2e/private/case.jpg",
        "/media/private/case.jpg",
        "/media/stations/missing.jpg",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        body = b"".join(response) if response.streaming else response.content
        assert b"secret" not in body and b"alert(1)" not in body, url


def test_audit_page_query_count_does_not_grow_with_rows(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client.get("/audit/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured)

    client.force_login(personas.luohe_officer)
    make_member(personas.yancheng)
    small = count()
    for _n in range(15):
        make_member(personas.yancheng_project)
    large = count()
    assert large == small <= 14


# ---- Masking text, as a property ------------------------------------------------------------

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
padding = st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=8)


@given(before=padding, phone=mobiles, after=padding)
def test_mask_text_leaves_no_mobile_and_is_idempotent(before, phone, after):
    masked = audit_module.mask_text(before + phone + after)
    assert phone not in masked
    assert masked == before + phone[:3] + "****" + phone[-4:] + after
    assert audit_module.mask_text(masked) == masked


@given(text=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=40))
def test_mask_text_leaves_text_without_digits_alone(text):
    assert audit_module.mask_text(text) == text


@given(serial=st.integers(min_value=1, max_value=999), days=st.integers(0, 20000))
def test_mask_changes_never_keeps_a_valid_id_number(serial, days):
    import datetime as dt

    from gonghui.members.ids import synthetic_id_card

    number = synthetic_id_card("430181", dt.date(1950, 1, 1) + dt.timedelta(days=days), serial)
    assert is_valid_id_card(number)
    masked = audit_module.mask_changes(Member, {"note": [None, f"身份证{number}。"]})
    assert number not in str(masked)
    assert masked["note"][1] == f"身份证{mask_id_card(number)}。"
