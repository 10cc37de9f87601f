import time

import pytest

from gonghui.core.scoping import SYSTEM
from gonghui.members import crypto, services
from gonghui.members.card import card_token_for
from gonghui.members.selectors import card_check
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_fresh_card_token_is_valid(personas):
    member = make_member(personas.xinwuling)
    assert card_check(card_token_for(member)).result == "valid"


def test_edited_token_is_forged(personas):
    member = make_member(personas.xinwuling)
    other = make_member(personas.xinwuling)
    token = card_token_for(member)
    kid, _member, version, expires, sig = token.split(".")
    edited = ".".join([kid, format(other.pk, "x"), version, expires, sig])
    assert card_check(edited).result == "forged"
    assert card_check(token[:-2] + ("AA" if not token.endswith("AA") else "BB")).result == "forged"
    assert card_check("garbage").result == "forged"


def test_token_from_unknown_key_is_forged(personas, settings):
    member = make_member(personas.xinwuling)
    settings.MEMBER_CARD_KEYS = {"evil": "attacker-key-material-000000"}
    forged = card_token_for(member)
    del settings.MEMBER_CARD_KEYS
    assert card_check(forged).result == "forged"


def test_expired_token_is_expired(personas):
    member = make_member(personas.xinwuling)
    old = crypto.card_token(
        member_id=member.pk, version=member.card_version,
        now=time.time() - crypto.CARD_TOKEN_LIFETIME - 10,
    )  # fmt: skip
    assert card_check(old).result == "expired"


def test_card_revoked_when_membership_lapses(personas):
    member = make_member(personas.xinwuling)
    token = card_token_for(member)
    services.member_set_status(actor=SYSTEM, member=member, status="lapsed", reason="unemployed")
    assert card_check(token).result == "revoked"


def test_verify_api_never_shows_id_number(api, personas):
    member = make_member(personas.xinwuling, name="赵六")
    number = services.member_id_card(actor=SYSTEM, member=member)
    response = api().get("/api/cards/verify", token=card_token_for(member))
    body = response.json()
    assert body["result"] == "valid" and body["member_number"] == member.member_number
    text = response.content.decode()
    assert number not in text and number[-4:] not in text and member.phone not in text


def test_verify_page_says_forged_for_bad_token(client):
    response = client.get("/verify/k1.1.1.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 200
    assert 'data-result="forged"' in response.content.decode()


def test_card_png_is_a_png_with_qr(client, personas):
    member = make_member(personas.xinwuling)
    response = client.get(f"/card/{card_token_for(member)}/card.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_card_page_for_revoked_token_is_404(client, personas):
    member = make_member(personas.xinwuling)
    token = card_token_for(member)
    services.member_set_status(
        actor=SYSTEM, member=member, status="withdrawn", reason="own_request"
    )
    response = client.get(f"/card/{token}/")
    assert response.status_code == 404
    assert member.name not in response.content.decode()
    assert 'class="member-card"' not in response.content.decode()


@pytest.mark.parametrize("name", ["joining:verify", "joining:card-png", "joining:card"])
def test_token_path_is_what_reverse_gives(personas, name):
    from django.urls import reverse, set_script_prefix

    from gonghui.members.card import token_path

    token = card_token_for(make_member(personas.xinwuling))
    for candidate in (token, "a.b_c-0", "令牌 ?#%"):
        assert token_path(name, candidate) == reverse(name, args=[candidate])
    set_script_prefix("/sub/")
    try:
        assert token_path(name, token) == reverse(name, args=[token])
        assert token_path(name, token).startswith("/sub/")
    finally:
        set_script_prefix("/")
