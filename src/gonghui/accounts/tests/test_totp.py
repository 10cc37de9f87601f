import pytest
from django.test import Client
from django_otp.oath import totp as totp_code
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts import totp
from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written


def current_code(device: TOTPDevice) -> str:
    return f"{totp_code(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enable_totp(user) -> TOTPDevice:
    device = totp.totp_start(user=user)
    totp.totp_confirm(user=user, token=current_code(device))
    device.refresh_from_db()
    return device


@pytest.mark.django_db
class TestTotp:
    def test_officer_enables_totp_by_scanning_and_confirming(self, personas):
        client = Client()
        client.force_login(personas.luohe_officer)
        page = client.post("/accounts/security/", {"action": "start"})
        assert b"data:image/svg+xml" in page.content
        device = TOTPDevice.objects.get(user=personas.luohe_officer)
        assert not device.confirmed
        response = client.post(
            "/accounts/security/", {"action": "confirm", "token": current_code(device)}
        )
        assert response.status_code == 302
        assert totp.requires_totp(personas.luohe_officer)
        assert AuditLog.objects.filter(changes__totp_enabled=[False, True]).exists()

    def test_wrong_confirmation_code_leaves_totp_off(self, personas):
        client = Client()
        client.force_login(personas.luohe_officer)
        client.post("/accounts/security/", {"action": "start"})
        # a failed code only moves the device's throttling counter
        with nothing_written(but=("otp_totp.TOTPDevice",)):
            response = client.post("/accounts/security/", {"action": "confirm", "token": "000000"})
        assert response.status_code == 422
        assert not totp.requires_totp(personas.luohe_officer)

    def test_login_without_code_is_refused_once_totp_is_on(self, personas, persona_password):
        enable_totp(personas.luohe_officer)
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": "luohe_officer", "password": persona_password}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "动态验证码" in response.content.decode()

    def test_login_with_code_succeeds(self, personas, persona_password):
        device = enable_totp(personas.luohe_officer)
        device.last_t = -1
        device.save()
        client = Client()
        response = client.post(
            "/accounts/login/",
            {
                "username": "luohe_officer",
                "password": persona_password,
                "otp_token": current_code(device),
            },
        )
        assert response.status_code == 302
        assert "_auth_user_id" in client.session

    def test_api_token_needs_the_code_too(self, personas, persona_password, api):
        device = enable_totp(personas.luohe_officer)
        device.last_t = -1
        device.save()
        with nothing_written(but=("otp_totp.TOTPDevice",)):
            without = api().post(
                "/api/auth/token", {"username": "luohe_officer", "password": persona_password}
            )
        assert without.status_code == 422
        assert not ApiToken.objects.exists()
        assert "otp" in without.json()["errors"]
        with_code = api().post(
            "/api/auth/token",
            {
                "username": "luohe_officer",
                "password": persona_password,
                "otp": current_code(device),
            },
        )
        assert with_code.status_code == 200
