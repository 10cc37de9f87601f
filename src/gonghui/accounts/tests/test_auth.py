import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client

from gonghui.accounts.models import ApiToken, User
from gonghui.core.testing.asserts import nothing_written


@pytest.mark.django_db
class TestTokens:
    def test_token_for_right_credentials(self, personas, persona_password, api):
        response = api().post(
            "/api/auth/token", {"username": "luohe_officer", "password": persona_password}
        )
        assert response.status_code == 200
        token = response.json()["token"]
        me = Client().get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["username"] == "luohe_officer"

    def test_wrong_password_is_401_without_saying_which_part_was_wrong(self, personas, api):
        with nothing_written():
            wrong_password = api().post(
                "/api/auth/token", {"username": "luohe_officer", "password": "x"}
            )
            unknown_user = api().post("/api/auth/token", {"username": "nobody", "password": "x"})
        assert wrong_password.status_code == unknown_user.status_code == 401
        assert wrong_password.json() == unknown_user.json()
        assert not ApiToken.objects.exists()

    def test_only_a_hash_of_the_token_is_stored(self, personas, persona_password, api):
        token = (
            api()
            .post("/api/auth/token", {"username": "luohe_officer", "password": persona_password})
            .json()["token"]
        )
        stored = ApiToken.objects.get()
        assert token not in stored.key_hash

    def test_forged_token_is_401(self, personas, api):
        response = Client().get("/api/orgs", headers={"Authorization": "Bearer gh_forged"})
        assert response.status_code == 401
        assert response.json()["errors"] == {} and response.json()["detail"]
        assert "漯河" not in response.content.decode()

    def test_repeated_failures_lock_the_account_even_with_the_right_password(
        self, personas, persona_password, api
    ):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            api().post("/api/auth/token", {"username": "luohe_officer", "password": "wrong"})
        response = api().post(
            "/api/auth/token", {"username": "luohe_officer", "password": persona_password}
        )
        assert response.status_code == 429
        assert "锁定" in response.json()["detail"]
        assert not ApiToken.objects.exists()

    def test_lockout_on_the_login_form(self, personas, persona_password):
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            client.post("/accounts/login/", {"username": "luohe_officer", "password": "wrong"})
        with nothing_written():
            response = client.post(
                "/accounts/login/", {"username": "luohe_officer", "password": persona_password}
            )
        assert response.status_code == 429
        assert "锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
class TestLoginForm:
    def test_officer_logs_in_and_lands_on_home(self, personas, persona_password):
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": "luohe_officer", "password": persona_password}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(personas.luohe_officer.pk)
        home = client.get("/")
        assert home.status_code == 200
        assert "luohe_officer" in home.content.decode()

    def test_login_form_requires_csrf(self, personas, persona_password):
        client = Client(enforce_csrf_checks=True)
        with nothing_written():
            response = client.post(
                "/accounts/login/", {"username": "luohe_officer", "password": persona_password}
            )
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session
        assert "CSRF" in response.content.decode()

    def test_bad_password_shows_a_message_in_the_chosen_language(self, personas):
        client = Client(headers={"Accept-Language": "en"})
        response = client.post("/accounts/login/", {"username": "luohe_officer", "password": "x"})
        assert response.status_code == 200
        assert (
            "incorrect" in response.content.decode().lower()
            or "wrong" in response.content.decode().lower()
        )


def test_production_hasher_is_argon2():
    from gonghui import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_argon2_hashes_verify(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User(username="argon")
    user.set_password("correct horse battery staple")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("correct horse battery staple")


@pytest.mark.django_db
def test_officer_role_must_match_org_level(personas):
    from django.core.exceptions import ValidationError

    user = User(username="mismatch", role="county_officer", organization=personas.hunan)
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "organization" in error.value.message_dict
