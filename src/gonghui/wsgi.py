import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
application = get_wsgi_application()

# Build the station index off the request path, so a fresh worker's first "nearest" does not.
from gonghui.stations.index import warm  # noqa: E402

warm()
