"""What enters the platform: text, datetimes, body sizes, anonymous writes, caching, schema names.

Issue 10 ("Trust"): each test here failed on the code before the fix.
"""

import collections
import datetime
import io
import json
import os
import string
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from python_calamine import CalamineWorkbook

from gonghui.core.testing.asserts import nothing_written
from gonghui.core.text import (
    CONTROL_CHARACTERS,
    has_control_characters,
    validate_no_control_characters,
)
from gonghui.enterprises.models import GridAssignment
from gonghui.joining import sms
from gonghui.joining.tests.test_join_api import payload as join_payload
from gonghui.learning.models import TrainingCourse, TrainingSession
from gonghui.members.models import Member
from gonghui.members.tests.factories import make_member
from gonghui.organizations.models import Organization

ROOT = Path(__file__).resolve().parents[4]
ESCAPE = "\u001b"
REFUSED = ["\u001b", "\x00", "\x07", "\x7f", "\x85", "\ud800", "\uffff"]


def with_code(api, data):
    assert api().post("/api/members/join/code", {"phone": data["phone"]}).status_code == 202
    data["code"] = sms.last_code(data["phone"])
    return data


def export_rows(client) -> list:
    response = client.get("/members/export.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def course(api, officer, org, **fields):
    response = api(officer).post(
        "/api/activities/courses", {"org_id": org.pk, "kind": "other", "title": "夜校", **fields}
    )
    return response


# ---- control characters -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("character", REFUSED)
def test_join_with_a_control_character_in_the_name_is_refused_and_writes_nothing(
    api, personas, character
):
    data = with_code(api, join_payload(personas.yancheng_project, name=f"王{character}小明"))
    response = api().post("/api/members/join", data)
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["name"]
    assert "控制字符" in body["errors"]["name"][0]
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_officers_export_still_opens_after_an_anonymous_join_with_an_escape(api, personas, client):
    make_member(personas.yancheng_project, name="李四")
    data = with_code(api, join_payload(personas.yancheng_project, name=f"张三{ESCAPE}[31m"))
    assert api().post("/api/members/join", data).status_code == 422
    client.force_login(personas.luohe_officer)
    rows = export_rows(client)
    assert [row[1] for row in rows[1:]] == ["李四"]


@pytest.mark.django_db
def test_nested_and_query_text_is_checked_too(api, personas):
    officer = api(personas.luohe_officer)
    listed = officer.get("/api/members", q=f"张{ESCAPE}")
    assert listed.status_code == 422 and list(listed.json()["errors"]) == ["q"]
    created = course(
        api, personas.luohe_officer, personas.luohe, description=f"第一行\n第二{ESCAPE}"
    )
    assert created.status_code == 422 and list(created.json()["errors"]) == ["description"]
    assert not TrainingCourse.objects.exists()


@pytest.mark.django_db
def test_text_a_schema_left_unbounded_still_has_a_ceiling(api, personas):
    response = api(personas.luohe_officer).get("/api/stations", q="站" * 10_001)
    assert response.status_code == 422
    assert response.json()["errors"] == {"q": ["内容太长。"]}


@pytest.mark.django_db
def test_line_breaks_inside_long_text_are_kept_and_trailing_ones_trimmed(api, personas):
    created = course(
        api,
        personas.luohe_officer,
        personas.luohe,
        title="劳动者夜校\n",
        description="一\r\n二\t三\n",
    )
    assert created.status_code == 201, created.json()
    row = TrainingCourse.objects.get()
    assert (row.title, row.description) == ("劳动者夜校", "一\r\n二\t三")


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1, max_size=40))
def test_any_course_title_is_stored_clean_or_refused_with_a_field_error(api, personas, title):
    response = course(api, personas.luohe_officer, personas.luohe, title=title)
    assert response.status_code in {201, 422}, response.content
    if response.status_code == 201:
        stored = TrainingCourse.objects.get(pk=response.json()["id"]).title
        assert not has_control_characters(stored) and stored.strip("\t\r\n") == stored
    else:
        assert set(response.json()["errors"]) == {"title"}


@given(st.text())
def test_control_character_check_matches_the_documented_set(text):
    allowed_controls = {"\t", "\n", "\r"}
    expected = any(
        (ord(c) < 0x20 and c not in allowed_controls)
        or 0x7F <= ord(c) <= 0x9F
        or 0xD800 <= ord(c) <= 0xDFFF
        or c in "\ufffe\uffff"
        for c in text
    )
    assert has_control_characters(text) is expected


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1))
def test_ordinary_text_in_any_script_is_never_refused(text):
    assert not has_control_characters(text.replace("\ufffe", "").replace("\uffff", ""))


@pytest.mark.django_db
def test_django_forms_refuse_control_characters(personas, client):
    client.force_login(personas.luohe_officer)
    org = personas.yancheng
    response = client.post(
        f"/orgs/{org.pk}/edit/",
        {
            "name": f"郾城区{ESCAPE}总工会",
            "short_name": org.short_name,
            "level": org.level,
            "org_type": org.org_type,
            "region_code": org.region_code,
            "credit_code": org.credit_code,
        },
    )
    assert response.status_code == 422
    assert 'data-field="name"' in response.content.decode()
    org.refresh_from_db()
    assert org.name == "郾城区总工会"

    class AnyForm(forms.Form):
        note = forms.CharField()

    form = AnyForm({"note": "ok\x07"})
    assert not form.is_valid() and list(form.errors) == ["note"]


def test_every_declared_form_text_field_refuses_control_characters():
    """Including forms imported before the core app was ready (the admin imports some)."""
    import gonghui.urls  # noqa: F401  imports every form the pages use

    pending, unguarded = [forms.BaseForm], []
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.CharField) and (
                validate_no_control_characters not in field.validators
            ):
                unguarded.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert unguarded == []


@pytest.mark.django_db
def test_model_full_clean_refuses_control_characters_on_every_text_field(personas):
    org = Organization.objects.get(pk=personas.yancheng.pk)
    org.name = f"郾城区{ESCAPE}总工会"
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert list(refused.value.message_dict) == ["name"]
    unguarded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("gonghui.")
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and validate_no_control_characters not in field.validators
    ]
    assert unguarded == []


def test_the_pattern_stays_a_character_class():
    # The regex is the single definition shared by API, forms and models.
    assert CONTROL_CHARACTERS.pattern.startswith("[") and CONTROL_CHARACTERS.pattern.endswith("]")
    assert not has_control_characters(string.printable.replace("\x0b", "").replace("\x0c", ""))


# ---- datetimes ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_datetime_without_timezone_is_read_as_beijing_time(api, personas):
    created = course(api, personas.luohe_officer, personas.luohe)
    response = api(personas.luohe_officer).post(
        f"/api/activities/courses/{created.json()['id']}/sessions",
        {
            "starts_at": "2026-12-01T17:44:16",
            "ends_at": "2026-12-01T19:44:16+08:00",
            "place": "郾城区职工之家",
            "capacity": 30,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] == "2026-12-01T09:44:16Z"
    session = TrainingSession.objects.get()
    assert session.starts_at == datetime.datetime(2026, 12, 1, 9, 44, 16, tzinfo=datetime.UTC)
    assert session.ends_at - session.starts_at == datetime.timedelta(hours=2)


# ---- request size ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_20_mb_json_body_answers_413_with_the_error_shape():
    body = json.dumps({"name": "王" * (20 * 1024 * 1024 // 3)})
    response = Client().post("/api/members/join", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "请求内容太大。", "errors": {}}
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_an_oversized_form_post_to_a_page_answers_413():
    with nothing_written():
        response = Client().post("/accounts/login/", {"username": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "请求内容太大" in response.content.decode()


@pytest.mark.django_db
def test_an_upload_bigger_than_a_json_body_gets_past_the_size_check(api, personas):
    upload = io.BytesIO("姓名,身份证号码,手机号码\n".encode() * (3 * 1024 * 1024 // 30))
    upload.name = "members.csv"
    headers = api(personas.luohe_officer).headers
    with nothing_written():
        response = Client().post(
            "/api/members/imports",
            # A union outside the caller's scope: the answer shows the request got to the handler.
            {"union_id": personas.hunan.pk, "file": upload},
            headers=headers,
        )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["union_id"]


# ---- anonymous writes, CSRF, caching ---------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_api_write_answers_401_and_writes_nothing(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/activities/courses",
        {"org_id": personas.luohe.pk, "kind": "other", "title": "夜校"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供有效的访问令牌。", "errors": {}}
    assert not TrainingCourse.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_session_still_needs_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.luohe_officer)
    payload = {"org_id": personas.luohe.pk, "kind": "other", "title": "夜校"}
    refused = client.post("/api/activities/courses", payload, content_type="application/json")
    assert refused.status_code == 403
    assert not TrainingCourse.objects.exists()
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/activities/courses",
        payload,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201
    assert TrainingCourse.objects.get().title == "夜校"


@pytest.mark.django_db
def test_personal_data_is_never_stored_by_caches(api, personas, client):
    make_member(personas.yancheng_project, name="李四")
    listed = api(personas.luohe_officer).get("/api/members")
    assert "李四" in listed.content.decode()
    assert "no-store" in listed.headers["Cache-Control"]
    client.force_login(personas.luohe_officer)
    page = client.get("/members/")
    assert "李四" in page.content.decode()
    assert "no-store" in page.headers["Cache-Control"]
    export = client.get("/members/export.xlsx")
    assert "no-store" in export.headers["Cache-Control"]
    static = client.get("/static/vendor/htmx/htmx.min.js")
    assert "no-store" not in static.headers.get("Cache-Control", "")


# ---- OpenAPI --------------------------------------------------------------------------------


def _schema_classes(annotation, found, seen):
    for argument in typing.get_args(annotation):
        _schema_classes(argument, found, seen)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        found[annotation.__name__].add(f"{annotation.__module__}.{annotation.__qualname__}")
        for field in annotation.model_fields.values():
            _schema_classes(field.annotation, found, seen)


def test_every_openapi_schema_name_belongs_to_one_schema():
    """ninja names components by class name and keeps the last one silently: two CaseIn
    classes meant /api/cases documented the founding-case body."""
    from gonghui.api import api

    found: dict[str, set[str]] = collections.defaultdict(set)
    seen: set = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        for field in wrapper.model_fields.values():
                            _schema_classes(field.annotation, found, seen)
    assert len(found) > 100
    clashes = {name: sorted(paths) for name, paths in found.items() if len(paths) > 1}
    assert clashes == {}


# ---- grid assignments -----------------------------------------------------------------------


@pytest.mark.django_db
def test_grid_assignment_answers_alike_for_a_missing_and_a_foreign_officer(personas, api):
    client = api(personas.luohe_officer)

    def assign(officer_id):
        return client.post(
            "/api/grid/assignments",
            {"org_id": personas.yancheng.pk, "cell": "8840d8a8c1fffff", "officer_id": officer_id},
        )

    foreign = assign(personas.hunan_officer.pk)
    missing = assign(10**9)
    not_an_officer = assign(personas.worker.pk)
    assert foreign.status_code == missing.status_code == not_an_officer.status_code == 422
    assert foreign.json() == missing.json() == not_an_officer.json()
    assert not GridAssignment.objects.exists()


# ---- database pool settings -----------------------------------------------------------------


def test_postgresql_runs_on_a_bounded_pool_from_the_environment():
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    script = (
        "import json, django; from django.conf import settings; "
        "d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['OPTIONS'].get('pool')]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            "PYTHONPATH": str(ROOT / "src"),
            "DEBUG": "1",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/gonghui_pool",
            "DB_POOL_MIN": "1",
            "DB_POOL_MAX": "4",
            "DB_POOL_TIMEOUT": "2.5",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    conn_max_age, pool = json.loads(result.stdout.strip().splitlines()[-1])
    assert conn_max_age == 0
    assert pool == {"min_size": 1, "max_size": 4, "timeout": 2.5}
