"""The founding case list costs the same number of queries for 2 cases as for 6 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises.tests.factories import enterprise
from gonghui.founding import services

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_cases(personas, n):
    for _ in range(n):
        services.founding_case_open(
            actor=SYSTEM, target="enterprise", union_name="某工会",
            enterprises=[enterprise(personas.yancheng)],
        )  # fmt: skip


@pytest.mark.parametrize("url", ["/api/founding-cases", "/enterprises/founding/"])
def test_case_lists_do_not_grow_with_rows(personas, api, client, url):
    if url.startswith("/api/"):
        client = api(personas.luohe_officer)
    else:
        client.force_login(personas.luohe_officer)
    add_cases(personas, 2)
    queries(client, url)  # warm the per-process caches (content types, token user)
    few = queries(client, url)
    add_cases(personas, 4)
    many = queries(client, url)
    assert many == few, (few, many)
