"""Query budgets: list pages and endpoints cost the same for 3 cases as for 30."""

import pytest
from django.test import Client

from gonghui.cases import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_cases(personas, types, yancheng_member):
    def make(count):
        for n in range(count):
            services.case_submit(
                actor=personas.worker, member=yancheng_member, case_type=types["other"],
                description=f"诉求{n}",
            )  # fmt: skip

    return make


def count_queries(django_assert_max_num_queries, budget, call):
    with django_assert_max_num_queries(budget):
        response = call()
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_officer_queue_page_has_a_fixed_query_budget(
    personas, many_cases, count, django_assert_max_num_queries
):
    many_cases(count)
    client = Client()
    client.force_login(
        personas.yancheng_officer, backend="django.contrib.auth.backends.ModelBackend"
    )
    count_queries(django_assert_max_num_queries, 10, lambda: client.get("/cases/"))


@pytest.mark.parametrize("count", [3, 30])
def test_case_list_endpoint_has_a_fixed_query_budget(
    api, personas, many_cases, count, django_assert_max_num_queries
):
    many_cases(count)
    client = api(personas.yancheng_officer)
    count_queries(django_assert_max_num_queries, 8, lambda: client.get("/api/cases"))
    worker = api(personas.worker)
    count_queries(django_assert_max_num_queries, 8, lambda: worker.get("/api/cases"))


def test_worker_case_pages_have_a_fixed_query_budget(
    personas, many_cases, django_assert_max_num_queries
):
    many_cases(20)
    client = Client()
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    count_queries(django_assert_max_num_queries, 8, lambda: client.get("/cases/mine"))
