import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
application = get_wsgi_application()

# Build the station index off the request path, so a fresh worker's first "nearest" does not.
# Not where background building is off (the test settings): a thread opening the database while
# the test database is being created would bind the connection pool to the main database.
from django.conf import settings  # noqa: E402

from gonghui.assistant.indexcache import warm as warm_assistant  # noqa: E402
from gonghui.core.gcpause import freeze_after  # noqa: E402
from gonghui.core.warmup import compile_url_patterns  # noqa: E402
from gonghui.stations.index import warm  # noqa: E402

# The same for the assistant, once the station index is in (the two would otherwise both compete
# with a fresh worker's first requests): the embedding model paged in, the search index built
# and the triage model loaded in a daemon thread, so a fresh worker's first question does not
# pay ~1 s.
# Then what the worker holds is frozen out of later garbage collections (core.gcpause).
# Before the first request (~0.2 s), not in it: every URL pattern compiled, in every language.
compile_url_patterns()
if getattr(settings, "STATION_INDEX_BACKGROUND", True):
    stations_warm = warm()
    freeze_after([stations_warm, warm_assistant(after=stations_warm)])
