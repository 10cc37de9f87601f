import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises import services

from .factories import enterprise, project

pytestmark = pytest.mark.django_db


def login(user, password):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def world(personas):
    firm = enterprise(personas.liuyang, name="浏阳烟花厂", latitude=28.16, longitude=113.64)
    site = project(personas.liuyang)
    social = enterprise(personas.liuyang, kind="social", industry="S", name="浏阳社工站")
    service = services.service_project_publish(
        actor=SYSTEM, publisher=personas.liuyang, title="送清凉"
    )
    return {"firm": firm, "site": site, "social": social, "service": service}


def pages(world, personas):
    return [
        reverse("enterprises:list"),
        reverse("enterprises:create"),
        reverse("enterprises:import"),
        reverse("enterprises:import-template"),
        reverse("enterprises:project-list"),
        reverse("enterprises:project-create"),
        reverse("enterprises:service-list"),
        f"{reverse('enterprises:coverage')}?org={personas.liuyang.pk}",
        f"{reverse('enterprises:grid')}?org={personas.liuyang.pk}",
        reverse("enterprises:detail", args=[world["firm"].pk]),
        reverse("enterprises:project-detail", args=[world["site"].pk]),
        reverse("enterprises:edit", args=[world["firm"].pk]),
        reverse("enterprises:service-detail", args=[world["service"].pk]),
        reverse("enterprises:coverage-rule", args=[personas.hunan.pk]),
    ]


IN_SCOPE_ONLY = 7  # the pages after the first seven name an object or org under 湖南


def test_officer_pages_render_in_scope(personas, world, persona_password):
    client = login(personas.hunan_officer, persona_password)
    for url in pages(world, personas):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            assert not re.search(rb"<script(?![^>]*\bsrc=)", response.content), url
            assert b' style="' not in response.content, url


def test_out_of_scope_pages_are_404(personas, world, persona_password):
    client = login(personas.luohe_officer, persona_password)
    for url in pages(world, personas)[IN_SCOPE_ONLY:]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "浏阳" not in response.content.decode(), url


def test_anonymous_is_sent_to_login(personas, world):
    for url in pages(world, personas):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_import_page_shows_row_errors(personas, persona_password):
    client = login(personas.luohe_officer, persona_password)
    csv = "企业名称,统一社会信用代码,行业门类\n坏码厂,91411103MA00000001,C\n".encode()
    with nothing_written():
        response = client.post(
            reverse("enterprises:import"),
            {"street_org": personas.yancheng.pk, "file": SimpleUploadedFile("e.csv", csv)},
        )
    assert response.status_code == 422
    assert "import-errors" in response.content.decode()


def test_service_project_flow_through_the_pages(personas, world, persona_password):
    client = login(personas.hunan_officer, persona_password)
    url = reverse("enterprises:service-detail", args=[world["service"].pk])
    client.post(url, {"action": "claim", "social_org": world["social"].pk, "proposal": "上门服务"})
    claim = world["service"].claims.get()
    client.post(url, {"action": "approve", "claim": claim.pk})
    client.post(url, {"action": "deliver", "delivered_on": "2025-07-10", "beneficiaries": "240"})
    world["service"].refresh_from_db()
    assert (world["service"].status, world["service"].beneficiaries) == ("delivered", 240)


def test_out_of_scope_service_actions_are_404(personas, world, persona_password):
    client = login(personas.luohe_officer, persona_password)
    url = reverse("enterprises:service-detail", args=[world["service"].pk])
    response = client.post(url, {"action": "claim", "social_org": world["social"].pk})
    assert response.status_code == 404
    assert not world["service"].claims.exists()


def test_grid_assignment_and_follow_ups_on_the_grid_page(personas, persona_password):
    import datetime

    client = login(personas.yancheng_officer, persona_password)
    firm = enterprise(personas.yancheng, latitude=33.587, longitude=114.0069)
    services.visit_record(
        actor=SYSTEM, enterprise=firm, visited_on=datetime.date.today(), result="follow_up",
        follow_up_on=datetime.date.today() + datetime.timedelta(days=2), note="负责人出差",
    )  # fmt: skip
    client.post(
        reverse("enterprises:grid-assign"),
        {
            "org": personas.yancheng.pk,
            "cell": firm.h3_cell,
            "officer": personas.yancheng_officer.pk,
        },
    )
    page = client.get(f"{reverse('enterprises:grid')}?org={personas.yancheng.pk}").content.decode()
    assert "yancheng_officer" in page.split('id="grid-table"')[1]
    assert "负责人出差" in page.split('id="follow-ups"')[1]


def test_ending_a_project_through_its_page_dissolves_the_union(personas, persona_password):
    client = login(personas.yancheng_officer, persona_password)
    site = project(personas.yancheng, union=personas.yancheng_project)
    client.post(reverse("enterprises:project-end", args=[site.pk]), {"ended_on": "2025-06-30"})
    personas.yancheng_project.refresh_from_db()
    assert personas.yancheng_project.dissolved_on is not None


def test_province_officer_edits_the_rule_from_the_coverage_page(personas, persona_password):
    from gonghui.enterprises.models import CoverageRule

    client = login(personas.hunan_officer, persona_password)
    url = reverse("enterprises:coverage-rule", args=[personas.hunan.pk])
    client.post(url, {"min_workers": 20, "min_months": 2})
    rule = CoverageRule.objects.get(province=personas.hunan)
    assert (rule.min_workers, rule.min_months) == (20, 2)
