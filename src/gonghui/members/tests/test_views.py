import pytest

from gonghui.core.models import AuditLog
from gonghui.members import services
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, make_member, phone

pytestmark = pytest.mark.django_db


def test_officer_list_searches_by_name_and_id_suffix(client, personas):
    a = make_member(personas.xinwuling, name="刘一")
    make_member(personas.xinwuling, name="孫二")
    client.force_login(personas.hunan_officer)
    by_name = client.get("/members/", {"q": "孙二"}).content.decode()
    assert "孫二" in by_name and "刘一" not in by_name
    by_suffix = client.get("/members/", {"q": a.id_card_masked[-4:]}).content.decode()
    assert "刘一" in by_suffix
    by_phone = client.get("/members/", {"q": a.phone[-4:]}).content.decode()
    assert "刘一" in by_phone


def test_officer_detail_shows_masked_id_and_reveal_is_audited(client, personas):
    member = make_member(personas.xinwuling)
    full = services.member_id_card(actor=personas.superuser, member=member)
    client.force_login(personas.hunan_officer)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert member.id_card_masked in page and full not in page
    revealed = client.post(f"/members/{member.pk}/", {"action": "show_id"}).content.decode()
    assert full in revealed
    assert AuditLog.objects.filter(object_id=str(member.pk), action="reveal_id").count() == 2


def test_officer_enrols_through_form(client, personas):
    client.force_login(personas.hunan_officer)
    response = client.post(
        "/members/new/",
        {"union": personas.xinwuling.pk, "name": "周七", "id_card": id_card(), "phone": phone(),
         "occupation_group": "courier"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Member.objects.get().channel == "officer"


def test_officer_accepts_transfer_from_transfer_page(client, personas):
    member = make_member(personas.yancheng_project)
    transfer = services.member_transfer_request(
        actor=personas.yancheng_officer, member=member, to_union=personas.xinwuling
    )
    client.force_login(personas.hunan_officer)
    assert member.name in client.get("/members/transfers/").content.decode()
    response = client.post(f"/members/transfers/{transfer.pk}/accept")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.union == personas.xinwuling
