"""Per-request facts (request id, client IP) that the audit log records.

A contextvar rather than a thread-local so that the same code is correct under ASGI and in
background tasks (which run with an empty context and record no request).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_NO_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "gonghui_request_context", default=None
)


def current() -> RequestContext:
    return _current.get() or _NO_REQUEST


def activate(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
