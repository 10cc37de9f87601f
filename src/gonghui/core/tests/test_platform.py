import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core.validators import is_valid_credit_code, is_valid_region_code
from gonghui.organizations.models import Organization

ROOT = Path(__file__).resolve().parents[4]


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; settings.SECRET_KEY",
        ],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            "PYTHONPATH": str(ROOT / "src"),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_or_known_key():
    assert run_settings({"SECRET_KEY": "short"}).returncode != 0
    assert run_settings({"SECRET_KEY": "django-insecure-" + "x" * 60}).returncode != 0


def test_production_starts_with_a_real_key():
    from gonghui.members.tests.test_production import PRODUCTION_ENV

    result = run_settings({**PRODUCTION_ENV, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
class TestPublicSurface:
    def test_home_is_200(self):
        response = Client().get("/")
        assert response.status_code == 200
        assert "一键入会" in response.content.decode()

    def test_health(self):
        response = Client().get("/api/health")
        assert response.json() == {"status": "ok"}

    def test_openapi_document_is_openapi_3_with_org_paths(self):
        schema = Client().get("/api/openapi.json").json()
        assert schema["openapi"].startswith("3.")
        assert "/api/orgs" in schema["paths"] and "/api/orgs/{org_id}/move" in schema["paths"]
        assert schema["components"]["securitySchemes"]

    def test_api_docs_page_loads_from_our_own_static_files(self):
        page = Client().get("/api/docs").content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in page
        assert "cdn." not in page

    def test_pages_carry_a_content_security_policy(self):
        response = Client().get("/")
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("style-src")[0]

    def test_request_id_is_echoed(self):
        response = Client().get("/api/health", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"

    def test_vendored_htmx_is_served(self):
        response = Client().get("/static/vendor/htmx/htmx.min.js")
        assert response.status_code == 200
        body = b"".join(response) if response.streaming else response.content
        assert b"htmx" in body[:4096] and "javascript" in response["Content-Type"]

    @pytest.mark.parametrize(
        "language,text", [("en", "Log in"), ("zh-hant", "登錄"), ("zh-hans", "登录")]
    )
    def test_language_is_selectable(self, language, text):
        client = Client()
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        assert text in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
class TestDemo:
    def test_demo_builds_the_real_places_and_is_idempotent(self, demo):
        count = Organization.objects.count()
        with open(os.devnull, "w") as devnull:
            call_command("demo", quiet_accounts=True, stdout=devnull)
        assert Organization.objects.count() == count >= 60
        provinces = Organization.objects.filter(level="province").values_list("name", flat=True)
        assert len(provinces) >= 5
        for name in [
            "康养产业园智慧养老项目工会",
            "新屋岭社区工会联合会",
            "连云区总工会",
            "银川经济技术开发区工会",
            "邢台市总工会",
        ]:
            assert Organization.objects.filter(name=name).exists(), name
        liuyang = Organization.objects.get(name="浏阳市总工会")
        assert liuyang.region_code == "430181"
        xinwuling = Organization.objects.get(name="新屋岭社区工会联合会")
        assert xinwuling.children.count() == 7
        assert xinwuling.path.startswith(liuyang.path)
        for org in Organization.objects.all():
            assert is_valid_region_code(org.region_code), org
            assert not org.credit_code or is_valid_credit_code(org.credit_code), org
        assert User.objects.filter(username="luohe", role="city_officer").exists()
