"""The API's shared parts: authentication, error shape, and the routers every app builds on.

Errors always look like ``{"detail": str, "errors": {field: [messages]}}`` with a 4xx status.
"""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, django_auth

from gonghui.core.models import AuditLog
from gonghui.core.scoping import Action


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from gonghui.accounts.services import token_user

        user = token_user(token)
        if user is not None:
            request.user = user
        return user


# Session cookies (the browser UI calling its own API, CSRF-checked) or a bearer token.
API_AUTH = [BearerToken(), django_auth]


# Every id in a path, query or body: a positive 64-bit integer, so an absurd number is a field
# error rather than an overflow deep in the database driver.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


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
    )

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
        from gonghui.core.audit import mask_text

        return mask_text(obj.actor_label)

    @staticmethod
    def resolve_object_repr(obj):
        from gonghui.core.audit import mask_text

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
