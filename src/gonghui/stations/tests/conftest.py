import pytest

from gonghui.stations import index as station_index

from .test_scale import wait_for_rebuild


@pytest.fixture
def background(settings):
    """The station index as production runs it: built and rebuilt in a background thread."""
    settings.STATION_INDEX_BACKGROUND = True
    station_index.forget()
    yield
    wait_for_rebuild()
    station_index.forget()
