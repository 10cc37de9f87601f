"""Schemathesis drives every operation in our OpenAPI schema with generated input: whatever a
client sends, the answer is never a 5xx and is always JSON.

(Schemathesis' pytest plugin does not run under pytest 9 yet, so the operations are walked here
and each is driven by its Hypothesis strategy.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from gonghui.accounts.services import token_issue
from gonghui.wsgi import application

EXAMPLES_PER_OPERATION = 12


def operations():
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db
@pytest.mark.parametrize("as_officer", [True, False], ids=["officer", "anonymous"])
def test_no_generated_input_makes_any_operation_fail(personas, as_officer):
    headers = {}
    if as_officer:
        headers["Authorization"] = f"Bearer {token_issue(user=personas.luohe_officer)}"
    failures = []
    for operation in operations():

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def drive(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            headers_by_name = {name.lower(): value for name, value in response.headers.items()}
            content_type = headers_by_name.get("content-type", "")
            if isinstance(content_type, list):
                content_type = content_type[0] if content_type else ""
            assert content_type.startswith("application/json"), response.text[:200]

        try:
            drive()
        except Exception as exc:  # collect every failing operation, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n".join(failures)
