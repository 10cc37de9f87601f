import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext as _

from gonghui.core import context

logger = logging.getLogger(__name__)

# A caller-supplied request id is kept only if it is short and harmless, so it can be logged.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request) -> str | None:
    if settings.GONGHUI_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give every request an id (echoed in X-Request-ID) and remember the client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        token = context.activate(
            context.RequestContext(request_id=request_id, ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response


# How long a client should wait before retrying when the database has no connection to spare.
RETRY_AFTER_SECONDS = 5
# PostgreSQL's codes for "no connection for you now": too_many_connections, cannot_connect_now.
UNAVAILABLE_SQLSTATES = {"53300", "57P03"}


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int, detail) -> HttpResponse:
    """The API's error shape on /api/, a short page elsewhere."""
    if is_api(request):
        return JsonResponse(
            {"detail": str(detail), "errors": {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    page = f"<!doctype html><title>{status}</title><p>{escape(detail)}</p>"
    return HttpResponse(page, status=status)


def unavailable_response(request) -> HttpResponse:
    response = error_response(request, 503, _("服务繁忙，请稍后再试。"))
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(exc: BaseException) -> bool:
    """True when the error means "no connection now" (pool exhausted, server full, starting),
    not a fault in a query."""
    from psycopg_pool import PoolTimeout

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, PoolTimeout):
            return True
        if getattr(exc, "sqlstate", None) in UNAVAILABLE_SQLSTATES:
            return True
        if "too many clients" in str(exc) or "database is locked" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class RequestSizeLimitMiddleware:
    """Answer 413 before reading a body over the limit: DATA_UPLOAD_MAX_MEMORY_SIZE for JSON and
    forms, UPLOAD_MAX_REQUEST_BYTES for multipart uploads (which check each file themselves)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.content_type == "multipart/form-data":
            limit = settings.UPLOAD_MAX_REQUEST_BYTES
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return error_response(request, 413, _("请求内容太大。"))
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A body without a Content-Length that grows past the limit while Django reads it.
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
            return error_response(request, 413, _("请求内容太大。"))
        return None


class DatabaseAvailabilityMiddleware:
    """With pooled PostgreSQL connections, take this request's connection first: when the pool
    has none to give within DB_POOL_TIMEOUT, answer 503 with Retry-After at once, instead of a
    500 from whichever middleware or view happened to touch the database first. The connection
    goes back to the pool when the request finishes (CONN_MAX_AGE is 0 with a pool)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.pooled = bool(settings.DATABASES[DEFAULT_DB_ALIAS].get("OPTIONS", {}).get("pool"))

    def __call__(self, request):
        if self.pooled:
            try:
                connections[DEFAULT_DB_ALIAS].ensure_connection()
            except OperationalError as exc:
                logger.warning("No database connection for %s: %s", request.path, exc)
                return unavailable_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and database_unavailable(exception):
            return unavailable_response(request)
        return None


class NoStoreMiddleware:
    """Cache-Control: no-store on every API response and on every response to a caller with a
    session, so no shared or browser cache keeps personal data. Static and public media files
    are left cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return response
        cookie = settings.SESSION_COOKIE_NAME
        if is_api(request) or cookie in request.COOKIES or cookie in response.cookies:
            patch_cache_control(response, no_store=True)
        return response
