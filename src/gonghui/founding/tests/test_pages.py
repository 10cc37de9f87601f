"""The founding pages (their paths as they were under enterprises): in scope, out of scope,
signed out, and a case taken through every step by the browser forms."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises.tests.factories import enterprise
from gonghui.enterprises.tests.test_views import login
from gonghui.founding import services
from gonghui.founding.choices import REQUIRED_DOCUMENTS, STEP_ORDER

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(personas):
    firm = enterprise(personas.liuyang, name="浏阳烟花厂", latitude=28.16, longitude=113.64)
    case = services.founding_case_open(
        actor=SYSTEM, target="enterprise", union_name="浏阳烟花厂工会", enterprises=[firm]
    )
    document = services.founding_document_add(
        actor=SYSTEM, step=case.steps.get(step="apply"), doc_type="application",
        uploaded=SimpleUploadedFile("申请书.pdf", PDF),
    )  # fmt: skip
    return {"firm": firm, "case": case, "document": document}


def pages(world):
    return [
        reverse("founding:list"),
        reverse("founding:detail", args=[world["case"].pk]),
        reverse("founding:document-download", args=[world["document"].pk]),
    ]


IN_SCOPE_ONLY = 1  # the pages after the first name a case under 湖南


def test_officer_pages_render_in_scope(personas, world, persona_password):
    client = login(personas.hunan_officer, persona_password)
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            assert not re.search(rb"<script(?![^>]*\bsrc=)", response.content), url
            assert b' style="' not in response.content, url


def test_out_of_scope_pages_are_404(personas, world, persona_password):
    client = login(personas.luohe_officer, persona_password)
    for url in pages(world)[IN_SCOPE_ONLY:]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "浏阳" not in response.content.decode(), url


def test_anonymous_is_sent_to_login(personas, world):
    for url in pages(world):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_the_enterprise_page_lists_its_cases_and_opens_one(personas, world, persona_password):
    client = login(personas.hunan_officer, persona_password)
    body = client.get(reverse("enterprises:detail", args=[world["firm"].pk])).content.decode()
    assert world["case"].get_absolute_url() in body
    assert reverse("founding:open", args=[world["firm"].pk]) in body


def test_out_of_scope_sign_off_by_form_is_404_and_changes_nothing(
    personas, world, persona_password
):
    client = login(personas.luohe_officer, persona_password)
    url = reverse("founding:sign-off", args=[world["case"].pk, "apply"])
    assert client.post(url).status_code == 404
    world["case"].refresh_from_db()
    assert world["case"].current_step == "apply"


def test_officer_takes_a_case_through_every_step_in_the_browser_forms(personas, persona_password):
    client = login(personas.yancheng_officer, persona_password)
    firm = enterprise(personas.yancheng, name="郾城示范厂")
    response = client.post(
        reverse("founding:open", args=[firm.pk]),
        {"target": "enterprise", "union_name": "郾城示范厂工会"},
    )
    case_url = response["Location"]
    case_id = int(case_url.rstrip("/").split("/")[-1])
    for step in STEP_ORDER:
        client.post(
            reverse("founding:upload", args=[case_id, step]),
            {"doc_type": REQUIRED_DOCUMENTS[step], "file": SimpleUploadedFile("a.pdf", PDF)},
        )
        client.post(reverse("founding:sign-off", args=[case_id, step]))
    page = client.get(case_url)
    assert "已成立" in page.content.decode()
    firm.refresh_from_db()
    assert firm.union.name == "郾城示范厂工会"


def test_a_founding_document_downloads_with_its_content(personas, world, persona_password):
    client = login(personas.hunan_officer, persona_password)
    response = client.get(reverse("founding:document-download", args=[world["document"].pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
