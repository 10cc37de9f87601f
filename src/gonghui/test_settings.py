"""Settings for the test suite: the real settings with a throw-away key and fast hashing.

Everything else (database from DATABASE_URL, middleware, CSP, lockout) is the production path.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 60)

from gonghui.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; argon2 tested
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]

# Live-server threads in browser tests must not keep PostgreSQL sessions open past the test, or
# the test database cannot be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Tests see their own station writes at once: a stale index is rebuilt in the request (the
# background rebuild is tested on its own, with the setting on).
STATION_INDEX_BACKGROUND = False

# SQLite tests use a file database (in /dev/shm where there is one), as production does, not
# Django's shared-cache memory database: there a locked table fails a second connection at once,
# while a file database makes it wait (busy_timeout) under WAL, so the concurrency tests (parallel
# joins, deliveries, rate-limit counts) run on SQLite too and prove what production relies on.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(_shm or _tempfile.gettempdir(), f"gonghui-test-{os.getpid()}.sqlite3")
    }

# The test database holds nothing worth keeping through a crash, so a commit need not wait for the
# disk: the same statements, locks and isolation, only durability differs. The suite commits a lot
# (threaded concurrency tests, live servers, and the table flush after each of them).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
