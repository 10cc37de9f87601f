"""The API's shared parts: authentication, error shape, and the routers every app builds on.

Errors always look like ``{"detail": str, "errors": {field: [messages]}}`` with a 4xx status.
"""

import datetime as dt
import decimal
import functools
import json
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, OperationalError
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel, model_validator

from gonghui.core import text
from gonghui.core.audit import mask_text
from gonghui.core.middleware import database_unavailable, unavailable_response
from gonghui.core.models import AuditLog
from gonghui.core.scoping import Action


class BearerToken(HttpBearer):
    """A bearer token, resolved by the function ``settings.API_TOKEN_USER`` names (the accounts
    app keeps the tokens; core names no domain app)."""

    def authenticate(self, request, token):
        user = _token_user()(token)
        if user is not None:
            request.user = user
        return user


@functools.cache
def _token_user():
    return import_string(settings.API_TOKEN_USER)


def public_caller(request):
    """The signed-in user on a public endpoint: a session, or a bearer token if one is sent
    (public endpoints skip authentication, so the token is read here); None if anonymous."""
    if getattr(request.user, "is_authenticated", False):
        return request.user
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return _token_user()(header[7:].strip())
    return None


class SessionCookie(SessionAuth):
    """The browser UI calling its own API: a signed-in session, CSRF-checked.

    ninja checks CSRF before it looks at the session, so a caller with no session at all got
    403 "CSRF check Failed"; without a signed-in session there is nothing to forge, and the
    answer is the documented 401."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# Session cookies (the browser UI calling its own API, CSRF-checked) or a bearer token.
API_AUTH = [BearerToken(), SessionCookie()]


# Every id in a path, query or body: a positive 64-bit integer, so an absurd number is a field
# error rather than an overflow deep in the database driver.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class BodyIn(Schema):
    """A schema of a JSON body: validated from the parsed object itself. ninja's ``Schema``
    first wraps its input in a ``DjangoGetter``, which reads model instances and runs
    ``resolve_*`` methods for output schemas; for a dict it changes nothing, and costs a Python
    attribute lookup per field (JoinIn: 30 us -> 2.4 us a validation). Anything but a dict takes
    ninja's way."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler, info):
        if type(values) is dict:
            return handler(values)
        return Schema._run_root_validator.__func__(cls, values, handler, info)


class UnicodeJSONRenderer(JSONRenderer):
    # Chinese text readable in responses and logs, and a third smaller than \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


# Pydantic's own messages are English only; the ones a form-filler meets most are translated.
PYDANTIC_MESSAGES = {
    "missing": lambda: _("此字段为必填项。"),
    "string_too_long": lambda: _("内容太长。"),
    "string_too_short": lambda: _("此字段不能为空。"),
    "int_parsing": lambda: _("请输入整数。"),
    "float_parsing": lambda: _("请输入数字。"),
    "decimal_parsing": lambda: _("请输入数字。"),
    "date_from_datetime_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "date_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "literal_error": lambda: _("不是可选的值之一。"),
    "enum": lambda: _("不是可选的值之一。"),
    "less_than_equal": lambda: _("数值太大。"),
    "greater_than_equal": lambda: _("数值太小。"),
    "json_invalid": lambda: _("请求体不是有效的JSON。"),
    # A lone surrogate ("\ud800" in JSON): not text at all.
    "string_unicode": lambda: str(text.CONTROL_CHARACTER_MESSAGE),
}


def pydantic_errors(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        # ninja prefixes locations with the source and parameter name ("body", "payload").
        meaningful = [
            p for p in location if p not in {"body", "query", "path", "payload", "filters"}
        ]
        name = meaningful[-1] if meaningful else "__all__"
        translate = PYDANTIC_MESSAGES.get(error.get("type", ""))
        fields.setdefault(name, []).append(str(translate()) if translate else error.get("msg", ""))
    return fields


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in exc.message_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


class TrimmingParser(Parser):
    """JSON and form input with tabs and line breaks trimmed from both ends of every string
    (a pasted cell, a trailing Enter), before the schemas check lengths and emptiness."""

    def parse_body(self, request):
        return _trim(json.loads(request.body))

    def parse_querydict(self, data, list_fields, request):
        return _trim(super().parse_querydict(data, list_fields, request))


def _trim(value):
    if isinstance(value, str):
        return value.strip(text.EDGE_WHITESPACE)
    if isinstance(value, list):
        return [_trim(item) for item in value]
    if isinstance(value, dict):
        return {key: _trim(item) for key, item in value.items()}
    return value


# The ceiling for any one text value, whatever its schema says (the longest declared limit is
# 5,000): a field someone forgot to bound still cannot take a megabyte.
TEXT_MAX_LENGTH = 10_000


_PLAIN = frozenset((int, float, bool, type(None), dt.date, decimal.Decimal))


def _inspect(value: Any, field: str, errors: dict[str, list[str]]) -> Any:
    """Walk validated input: record text carrying control characters or longer than the ceiling
    under its field name, and read a datetime without a timezone as Beijing time (the
    platform's TIME_ZONE). Returns the value to use."""
    if type(value) in _PLAIN:  # most fields of most inputs: nothing to look at
        return value
    if isinstance(value, str):
        if text.has_control_characters(value):
            errors.setdefault(field, [str(text.CONTROL_CHARACTER_MESSAGE)])
        elif len(value) > TEXT_MAX_LENGTH:
            errors.setdefault(field, [_("内容太长。")])
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return timezone.make_aware(value, timezone.get_default_timezone())
        return value
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            current = getattr(value, name, None)
            checked = _inspect(current, info.alias or name, errors)
            if checked is not current:
                setattr(value, name, checked)
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _inspect(item, field, errors)
        return value
    if isinstance(value, tuple | set | frozenset):
        return type(value)(_inspect(item, field, errors) for item in value)
    if isinstance(value, dict):
        for key in list(value):
            _inspect(key, field, errors)
            value[key] = _inspect(value[key], field, errors)
        return value
    return value


def checked_input(view_func):
    """Applied to every API operation, after the schemas have parsed the input: one place that
    refuses control characters in any text (body, query, path, form) with a field error, and
    makes every datetime timezone-aware, whichever schema declared it."""

    @functools.wraps(view_func)
    def operation(request, *args, **values):
        errors: dict[str, list[str]] = {}
        for name in list(values):
            values[name] = _inspect(values[name], name, errors)
        if errors:
            raise DjangoValidationError(errors)
        return view_func(request, *args, **values)

    return operation


def build_api() -> NinjaAPI:
    from csp.decorators import csp_update

    # Swagger UI styles itself inline; loosen style-src for the docs page only.
    docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})
    api = NinjaAPI(
        title="Gonghui API",
        version="1",
        description=_("工会数字化服务平台开放接口。所有数据按调用者所属工会的管辖范围过滤。"),
        auth=API_AUTH,
        docs_decorator=docs_csp,
        urls_namespace="api",
        renderer=UnicodeJSONRenderer(),
        parser=TrimmingParser(),
    )
    api.add_decorator(checked_input)

    def error(request, status, detail, errors=None):
        return api.create_response(
            request, {"detail": str(detail), "errors": errors or {}}, status=status
        )

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc):
        return error(request, 422, _("输入有误，请检查标出的字段。"), pydantic_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_domain_error(request, exc):
        return error(request, 422, _("输入有误，请检查标出的字段。"), django_errors(exc))

    @api.exception_handler(OverflowError)
    def on_overflow(request, exc):
        return error(request, 422, _("输入的数值超出范围。"))

    @api.exception_handler(DataError)
    def on_data_error(request, exc):
        # PostgreSQL's answer to a value its column cannot hold; nothing was written.
        return error(request, 422, _("输入的数值超出范围。"))

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return error(request, 404, _("未找到。"))

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc):
        return error(request, 403, _("您没有权限执行此操作。"))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return error(request, 401, _("请先登录或提供有效的访问令牌。"))

    @api.exception_handler(RequestDataTooBig)
    @api.exception_handler(TooManyFieldsSent)
    def on_too_big(request, exc):
        return error(request, 413, _("请求内容太大。"))

    @api.exception_handler(OperationalError)
    def on_database_unavailable(request, exc):
        # The pool had no connection to give within DB_POOL_TIMEOUT, or the server refused one:
        # a moment's overload, not a fault; say so and when to come back. Anything else is a
        # fault and stays one.
        if not database_unavailable(exc):
            raise exc
        return unavailable_response(request)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        return error(request, exc.status_code, exc.message)

    return api


core_router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str


@core_router.get("/health", auth=None, response=HealthOut)
def health(request):
    return {"status": "ok"}


class HistoryEventOut(Schema):
    """One line of any object's timeline (``core.history.HistoryEvent``): what, who, when."""

    kind: str
    kind_label: str
    note: str
    actor_label: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_actor_label(obj):
        return mask_text(obj.actor_label)


class AuditOut(Schema):
    id: int
    created_at: str
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    request_id: str
    ip: str | None

    @staticmethod
    def resolve_created_at(obj):
        # Local time with its offset (+08:00), as the audit page shows it.
        from django.utils import timezone

        return timezone.localtime(obj.created_at).isoformat()

    @staticmethod
    def resolve_object_type(obj):
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @staticmethod
    def resolve_actor_label(obj):
        return mask_text(obj.actor_label)

    @staticmethod
    def resolve_object_repr(obj):
        return mask_text(obj.object_repr)

    @staticmethod
    def resolve_changes(obj):
        # Masked by the model's rules also for rows written before masking existed.
        from gonghui.core.audit import mask_changes

        return mask_changes(obj.content_type.model_class(), obj.changes)


__all__ = ["API_AUTH", "Action", "AuditLog", "AuditOut", "ErrorOut", "build_api", "core_router"]


import datetime  # noqa: E402

from ninja.pagination import paginate  # noqa: E402

from gonghui.core import selectors  # noqa: E402


@core_router.get("/audit", response=list[AuditOut], tags=["audit"])
@paginate
def audit_log(
    request,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
):
    return selectors.audit_list(
        user=request.user,
        content_type=object_type,
        object_id=object_id,
        actor=actor,
        start=start,
        end=end,
    )
