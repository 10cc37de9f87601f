import pytest

from gonghui.core.testing.api import ApiClient
from gonghui.core.testing.personas import PASSWORD, build_personas


@pytest.fixture
def personas(db):
    return build_personas()


@pytest.fixture
def api():
    """api(user) -> an ApiClient carrying that user's bearer token; api() is anonymous."""
    return ApiClient


@pytest.fixture
def persona_password():
    return PASSWORD
