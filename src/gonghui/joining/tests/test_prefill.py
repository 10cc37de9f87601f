"""The join page pre-filled from a link (the non-member's appeal offers to join)."""

import pytest

from gonghui.members.models import Member

pytestmark = pytest.mark.django_db


def test_join_page_prefills_the_plain_fields_from_the_link(client):
    response = client.get(
        "/join",
        {"name": "王\x00师傅", "phone": "13912345678", "employer_name": "某" * 300,
         "work_place": "浏阳市集里街道", "id_card": "430181199001011234"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="王师傅"' in body and 'value="13912345678"' in body
    assert 'value="浏阳市集里街道"' in body and f'value="{"某" * 200}"' in body
    assert 'value="430181199001011234"' not in body  # never pre-filled
    assert not Member.objects.exists()
