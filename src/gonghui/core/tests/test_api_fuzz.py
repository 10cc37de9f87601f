"""Schemathesis drives every operation in our OpenAPI schema with generated input: whatever a
client sends, the answer is never a 5xx, and every refusal is JSON in the API's error shape.

(Schemathesis' pytest plugin does not run under pytest 9 yet, so the operations are walked here
and each is driven by its Hypothesis strategy.)
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from gonghui.accounts.services import token_issue
from gonghui.wsgi import application

# Per operation and caller: about 250 operations, twice, on both databases. 12 took 95 s + 70 s a
# database, the largest share of the CI's 30-minute budget; 8 still reaches every operation with
# bodies both valid and broken (Hypothesis tries the boundaries first).
EXAMPLES_PER_OPERATION = 8


def operations():
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, which closes database connections at the end of each
    request; inside a test that would close the test transaction. Django's test client
    disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@pytest.mark.parametrize("as_officer", [True, False], ids=["officer", "anonymous"])
def test_no_generated_input_makes_any_operation_fail(personas, as_officer):
    # The client under test asks for plain bodies: schemathesis' transport offers gzip, and
    # GZipMiddleware would hand this raw-bytes check a compressed error body.
    headers = {"Accept-Encoding": "identity"}
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
            if response.status_code < 400:
                return  # successes may be files (templates, cards, exports)
            headers_by_name = {name.lower(): value for name, value in response.headers.items()}
            content_type = headers_by_name.get("content-type", "")
            if isinstance(content_type, list):
                content_type = content_type[0] if content_type else ""
            assert content_type.startswith("application/json"), response.content[:200]
            assert "detail" in response.json()

        try:
            drive()
        except Exception as exc:  # collect every failing operation, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n".join(failures)
