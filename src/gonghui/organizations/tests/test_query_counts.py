"""Query budgets: list pages and endpoints cost the same number of queries for 3 rows or 300."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.services import org_create


def add_grassroots(parent, count):
    for i in range(count):
        org_create(
            actor=SYSTEM,
            parent=parent,
            name=f"企业工会{i}",
            level="grassroots",
            org_type="single",
            region_code=parent.region_code,
        )


def queries(fn) -> int:
    fn()  # warm-up: the first call of a token records its last use (one UPDATE a minute)
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


@pytest.mark.django_db
def test_org_list_endpoint_query_count_does_not_grow_with_rows(personas, api):
    client = api(personas.luohe_officer)
    small = queries(lambda: client.get("/api/orgs", limit=500))
    add_grassroots(personas.yancheng, 60)
    large = queries(lambda: client.get("/api/orgs", limit=500))
    assert large == small <= 6


@pytest.mark.django_db
def test_tree_children_page_query_count_does_not_grow_with_rows(personas, client):
    client.force_login(personas.luohe_officer)
    url = f"/orgs/{personas.yancheng.pk}/children/"
    small = queries(lambda: client.get(url))
    add_grassroots(personas.yancheng, 60)
    large = queries(lambda: client.get(url))
    assert large == small <= 8


@pytest.mark.django_db
def test_audit_endpoint_query_count_does_not_grow_with_rows(personas, api):
    client = api(personas.luohe_officer)
    small = queries(lambda: client.get("/api/audit", limit=500))
    add_grassroots(personas.yancheng, 60)
    large = queries(lambda: client.get("/api/audit", limit=500))
    assert large == small <= 6
