"""List endpoints cost the same number of queries for 2 rows as for 6 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises import services

from .factories import enterprise, project

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_rows(personas, n):
    for _ in range(n):
        firm = enterprise(personas.yancheng, union=personas.yancheng_project)
        project(personas.yancheng)
        social = enterprise(personas.yancheng, kind="social", is_key_social_org=True, industry="S")
        publication = services.service_project_publish(
            actor=SYSTEM, publisher=personas.yancheng, title="送温暖"
        )
        services.service_claim_submit(actor=SYSTEM, project=publication, social_org=social)
        services.visit_record(
            actor=SYSTEM, enterprise=firm, visited_on=firm.established_on, result="founded"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/enterprises",
        "/api/projects",
        "/api/service-projects",
        "/api/social-orgs?org_id={org}",
        "/api/grid?org_id={org}",
        "/api/coverage?org_id={org}",
        "/api/coverage/violators?org_id={org}",
    ],
)
def test_list_endpoints_do_not_grow_with_rows(personas, api, url):
    client = api(personas.luohe_officer)
    url = url.format(org=personas.luohe.pk)
    add_rows(personas, 2)
    queries(client, url)  # warm the per-process caches (content types, token user)
    few = queries(client, url)
    add_rows(personas, 4)
    many = queries(client, url)
    assert many == few, (few, many)
