"""Gonghui settings, driven by the environment.

SQLite (WAL) is the embedded default; set DATABASE_URL for PostgreSQL. Outside DEBUG the
platform refuses to start without a real SECRET_KEY, so a production box can never run on a
key that is in this repository, and without its member keys, SMS backend and task queue
(production_problems below), so it never logs codes or ties ID numbers to SECRET_KEY.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-gonghui-0000000000"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a random key of 50+ characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG and (
    len(SECRET_KEY) < 50 or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured("SECRET_KEY is too short or a known development key.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.organizations",
    "gonghui.accounts",
    "gonghui.enterprises",
    "gonghui.founding",
    "gonghui.members",
    "gonghui.joining",
    "gonghui.rosters",
    "gonghui.stations",
    "gonghui.cases",
    "gonghui.aid",
    "gonghui.campaigns",
    "gonghui.learning",
    "gonghui.benefits",
    "gonghui.contests",
    "gonghui.bargaining",
    "gonghui.activityreports",
    "gonghui.brain",
    "gonghui.governance",
    "gonghui.assistant",
    "gonghui.triage",
    "gonghui.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every HTML and JSON answer compressed (static files come pre-compressed from WhiteNoise);
    # placed before anything that reads or writes the body. BREACH: Django pads each gzip
    # stream with random bytes (Heal-the-BREACH), and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
    "gonghui.core.middleware.RequestSizeLimitMiddleware",
    # Takes the request's pooled database connection first, so a full pool is a 503 here.
    "gonghui.core.middleware.DatabaseAvailabilityMiddleware",
    "gonghui.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns a lockout signalled during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"
ASGI_APPLICATION = "gonghui.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": [
                "gonghui.core.templatetags.gonghui",
                "gonghui.members.templatetags.member_header",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # psycopg's connection pool, one per worker process: a request waits up to DB_POOL_TIMEOUT
    # seconds for one of DB_POOL_MAX connections, then answers 503 (core.middleware). Keep
    # workers x DB_POOL_MAX below the server's max_connections (100 by default). A pool needs
    # CONN_MAX_AGE 0: the connection goes back to the pool at the end of each request.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DB_POOL", True
    ):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "5")),
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "gonghui.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run while one writer writes; IMMEDIATE avoids the
                # "database is locked" upgrade deadlock between two writing transactions.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The function that turns an API bearer token into its account (core.api calls it by name).
API_TOKEN_USER = "gonghui.accounts.services.token_user"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failures, per username and address pair, so one attacker cannot
# lock a whole office that shares an address out of every account.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gonghui.accounts.lockout.lockout_response"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Gonghui"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One date format in every language: YYYY-MM-DD (gonghui/core/formats).
FORMAT_MODULE_PATH = ["gonghui.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `make run` serve straight from the finders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("WHITENOISE_USE_FINDERS", False)

# Where SMS / e-mail copies of case notifications go: the console in development; a provider's
# backend class (see gonghui.cases.notify) in production.
CASES_NOTIFY_BACKEND = os.environ.get("CASES_NOTIFY_BACKEND", "gonghui.cases.notify.ConsoleBackend")

# Background work (imports, escalations). Immediate on a laptop; the database-backed queue with
# `manage.py db_worker` in production (TASKS_BACKEND=database).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("TASKS_BACKEND") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# ---- Members: ID-number keys, card keys, SMS, rate limits ----------------------------------
# Key rings are "id:key,id:key" (keys of 32+ random characters, no commas); the active id
# encrypts or signs, every id in the ring still decrypts or verifies. Unset (development only),
# each is derived from SECRET_KEY by gonghui.members.crypto.


def env_keyring(name: str) -> dict[str, str]:
    ring = {}
    for item in env_list(name):
        kid, sep, key = item.partition(":")
        if not sep or not kid.strip() or not key.strip():
            raise ImproperlyConfigured(f"{name}: each entry must be 'id:key' ({item[:6]}...).")
        ring[kid.strip()] = key.strip()
    return ring


MEMBER_ID_KEYS = env_keyring("MEMBER_ID_KEYS")
MEMBER_ID_ACTIVE_KEY = os.environ.get("MEMBER_ID_ACTIVE_KEY", "").strip() or None
# The lookup hash behind "one person, one record": set once, never rotated.
MEMBER_ID_HASH_KEY = os.environ.get("MEMBER_ID_HASH_KEY", "").strip() or None
MEMBER_CARD_KEYS = env_keyring("MEMBER_CARD_KEYS")
MEMBER_CARD_ACTIVE_KEY = os.environ.get("MEMBER_CARD_ACTIVE_KEY", "").strip() or None

# One-time codes go out through a provider's backend (a subclass of
# gonghui.joining.sms.SmsBackend); the console backend writes codes to the log (development).
CONSOLE_SMS_BACKEND = "gonghui.joining.sms.ConsoleSmsBackend"
MEMBER_SMS_BACKEND = os.environ.get("MEMBER_SMS_BACKEND", "").strip() or CONSOLE_SMS_BACKEND

# Rate limits: {name: (hits, seconds)} per caller, counted in the database so that every
# server process shares them (gonghui.core.ratelimit). RATE_LIMITS="code_address=20/3600,..."
# overrides single entries.
RATE_LIMITS = {
    "code_phone": (5, 3600),  # codes sent to one phone
    "code_address": (20, 3600),  # codes requested from one address (a shared Wi-Fi, a NAT)
    "code_device": (10, 3600),  # codes requested from one device
    "checkin_address": (60, 3600),  # anonymous station check-ins from one address
    "checkin_device": (10, 3600),  # anonymous station check-ins from one device
    "set_password_address": (20, 3600),  # one-time set-password link posts from one address
    "appeal_phone": (5, 86400),  # appeals from one phone that is not a member's
    "ask_address": (120, 3600),  # anonymous questions to the assistant from one address
    "ask_device": (60, 3600),  # anonymous questions to the assistant from one device
}
for _item in env_list("RATE_LIMITS"):
    _name, _sep, _rate = _item.partition("=")
    _hits, _slash, _seconds = _rate.partition("/")
    if _name.strip() not in RATE_LIMITS or not (_hits.isdigit() and _seconds.isdigit()):
        raise ImproperlyConfigured(f"RATE_LIMITS: '{_item}' is not name=hits/seconds.")
    RATE_LIMITS[_name.strip()] = (int(_hits), int(_seconds))


def production_problems() -> list[str]:
    """What makes this configuration unsafe to serve the public with (checked outside DEBUG)."""
    problems = []
    if MEMBER_SMS_BACKEND == CONSOLE_SMS_BACKEND:
        problems.append("MEMBER_SMS_BACKEND is the console backend (it logs every code).")
    if CASES_NOTIFY_BACKEND.endswith(".ConsoleBackend"):
        # The console backend logs each case message with the worker's phone number.
        problems.append("CASES_NOTIFY_BACKEND is the console backend (it logs phone numbers).")
    if TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
        problems.append("TASKS_BACKEND is immediate (set TASKS_BACKEND=database).")
    for ring_name, active_name, active in (
        ("MEMBER_ID_KEYS", "MEMBER_ID_ACTIVE_KEY", MEMBER_ID_ACTIVE_KEY),
        ("MEMBER_CARD_KEYS", "MEMBER_CARD_ACTIVE_KEY", MEMBER_CARD_ACTIVE_KEY),
    ):
        ring = globals()[ring_name]
        if not ring:
            problems.append(f"{ring_name} is not set (the keys would derive from SECRET_KEY).")
        elif len(ring) > 1 and not active:
            problems.append(f"{ring_name} holds several keys: set {active_name}.")
        elif active and active not in ring:
            problems.append(f"{active_name} is not an id in {ring_name}.")
    if not MEMBER_ID_HASH_KEY:
        problems.append("MEMBER_ID_HASH_KEY is not set (the hash would derive from SECRET_KEY).")
    keys = [*MEMBER_ID_KEYS.values(), *MEMBER_CARD_KEYS.values(), MEMBER_ID_HASH_KEY or ""]
    if any(key and (len(key) < 32 or key == SECRET_KEY) for key in keys):
        problems.append("MEMBER_* keys must be 32+ random characters, none equal to SECRET_KEY.")
    return problems


# The test settings (gonghui.test_settings, being imported) run the production path with the
# development backends; DEBUG is a laptop. Anything else refuses to start.
if not DEBUG and "gonghui.test_settings" not in sys.modules:
    _problems = production_problems()
    if _problems:
        raise ImproperlyConfigured("Refusing to start: " + " ".join(_problems))

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Public media (station photos) only; private uploads (case files, founding documents) live
# under MEDIA_ROOT/private and are served only through scoped views.
MEDIA_URL = "/media/"

# Request bodies: JSON and form posts up to DATA_UPLOAD_MAX_MEMORY_SIZE; multipart uploads up to
# UPLOAD_MAX_REQUEST_BYTES in all (each upload checks its own file limit). Larger ones are
# answered 413 before they are read (core.middleware.RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("UPLOAD_MAX_REQUEST_BYTES", 32 * 1024 * 1024))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env_bool("SECURE_SSL_REDIRECT", False):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# Only trust X-Forwarded-For when a proxy we run sets it; otherwise audit IPs could be forged.
GONGHUI_TRUST_X_FORWARDED_FOR = env_bool("BEHIND_PROXY")

# API lists: bounded pages and offsets (an unbounded offset overflows SQLite's integers).
NINJA_PAGINATION_CLASS = "gonghui.core.pagination.BoundedLimitOffsetPagination"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
# Chinese basemaps (Amap, Tencent) are drawn in GCJ-02; stations are stored in WGS-84 and
# converted for display only when the configured tiles need it.
MAP_COORDINATE_SYSTEM = os.environ.get("MAP_COORDINATE_SYSTEM", "wgs84")
# The smart brain draws the subtree as a treemap by region code; a deployer with an approved
# boundary map (审图号) sets a same-origin GeoJSON URL (features carry the GB/T 2260 "adcode").
BRAIN_MAP_GEOJSON_URL = os.environ.get("BRAIN_MAP_GEOJSON_URL", "")
# "Near me" (stations, jobs, discounts, training): how far counts as near, in kilometres.
NEAR_ME_KM = float(os.environ.get("NEAR_ME_KM", "20"))

# Group wage-arrears early warning (triage): this many appeals naming one employer within this
# many days open one alert for the county union.
TRIAGE_ALERT_THRESHOLD = int(os.environ.get("TRIAGE_ALERT_THRESHOLD", "5"))
TRIAGE_ALERT_WINDOW_DAYS = int(os.environ.get("TRIAGE_ALERT_WINDOW_DAYS", "3"))
_tile_hosts = env_list("MAP_TILE_HOSTS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_tile_hosts],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

GONGHUI_PLATFORM_NAME = _("工会数字化服务平台")
