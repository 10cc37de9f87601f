"""Rate limits shared by every server process: fixed-window counters in a database table.

Granian runs several workers; a counter in one worker's memory would let a caller multiply its
allowance by the number of workers. Each hit is one upsert (``INSERT ... ON CONFLICT DO UPDATE
... RETURNING``, on PostgreSQL and SQLite alike) that adds one to the row of the caller's current
window and reads the new count back, so two processes can never both take the last hit.

The numbers live in ``settings.RATE_LIMITS``: ``{name: (hits, seconds)}``. Callers are keyed by a
keyed hash of what identifies them (a phone, an address, a device id), never the value itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import random
import re
import secrets
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _

from gonghui.core.middleware import client_ip
from gonghui.core.models import RateLimitCounter

DEVICE_COOKIE = "gh_device"
DEVICE_HEADER = "X-Device-Id"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Expired windows are swept on roughly one hit in this many, so the table stays small without a
# scheduled job.
SWEEP_ONE_IN = 200


class RateLimited(Exception):
    """A caller went over ``limit``; ``retry_after`` seconds until its window ends."""

    def __init__(self, limit: str, retry_after: int):
        super().__init__(limit, retry_after)
        self.limit = limit
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return _("操作太频繁，请%(minutes)s分钟后再试。") % {"minutes": minutes}


def rule(name: str) -> tuple[int, int]:
    """(hits allowed, window seconds) of the named limit."""
    hits, seconds = settings.RATE_LIMITS[name]
    return int(hits), int(seconds)


def _key(name: str, identity: str) -> str:
    secret = hashlib.sha256(f"gonghui.ratelimit|{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(secret, identity.encode(), hashlib.sha256).hexdigest()[:40]
    return f"{name[:50]}:{digest}"


def _upsert_sql() -> str:
    q = connection.ops.quote_name
    table = q(RateLimitCounter._meta.db_table)
    key, start, end, hits = q("key"), q("window_start"), q("window_end"), q("hits")
    return (
        f"INSERT INTO {table} ({key}, {start}, {end}, {hits}) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT ({key}, {start}) DO UPDATE SET {hits} = {table}.{hits} + 1 "
        f"RETURNING {hits}"
    )


def hit(name: str, identity: str | None, *, now: float | None = None) -> int:
    """Count one hit of ``identity`` on the limit ``name``; raise :class:`RateLimited` if it is
    over. No identity (an API client without a device id) is not limited by that rule."""
    if not identity:
        return 0
    allowed, seconds = rule(name)
    now = time.time() if now is None else now
    start = int(now // seconds) * seconds
    end = start + seconds
    # Called outside a transaction (as the code and check-in handlers do), the hit commits at
    # once and stands even when the work it guards is then refused; inside a caller's
    # transaction it is a savepoint and shares that transaction's fate.
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost and connection.vendor == "postgresql":
            # A counter may lose its last hits in a crash; not waiting for the WAL flush makes a
            # hit ~10x cheaper (4.5 ms to 0.4 ms). Only in a transaction of its own.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_upsert_sql(), [_key(name, identity), start, end])
        count = cursor.fetchone()[0]
    if random.randrange(SWEEP_ONE_IN) == 0:
        RateLimitCounter.objects.filter(window_end__lt=int(now)).delete()
    if count > allowed:
        raise RateLimited(name, max(1, math.ceil(end - now)))
    return count


def hit_all(hits: list[tuple[str, str | None]], *, now: float | None = None) -> None:
    """Count every hit, then raise for the limit that frees up last (if any is over), so the
    Retry-After a caller is told is the wait that actually works."""
    refused: list[RateLimited] = []
    for name, identity in hits:
        try:
            hit(name, identity, now=now)
        except RateLimited as exc:
            refused.append(exc)
    if refused:
        raise max(refused, key=lambda exc: exc.retry_after)


# ---- Who is calling -----------------------------------------------------------------------------


def address(request) -> str | None:
    """The caller's address; an IPv6 address as its /64, since one subscriber holds a whole
    /64 and could otherwise take a fresh address for every request."""
    ip = client_ip(request)
    if ip and ":" in ip:
        try:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        except ValueError:
            return ip
    return ip


def device(request) -> str | None:
    """The caller's device id: the ``gh_device`` cookie our pages set, or an ``X-Device-Id``
    header from an app. Anything else is ignored rather than trusted."""
    for value in (request.COOKIES.get(DEVICE_COOKIE), request.headers.get(DEVICE_HEADER)):
        if value and DEVICE_ID.match(value):
            return value
    return None


def ensure_device_cookie(request, response):
    """Give a browser a device id on the pages that lead to a limited action."""
    if request.COOKIES.get(DEVICE_COOKIE) and DEVICE_ID.match(request.COOKIES[DEVICE_COOKIE]):
        return response
    response.set_cookie(
        DEVICE_COOKIE,
        secrets.token_urlsafe(24),
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def hit_caller(request, *, address_limit: str, device_limit: str) -> None:
    """Count one hit of an anonymous caller, by address and by device."""
    hit_all([(address_limit, address(request)), (device_limit, device(request))])


# ---- Answering ----------------------------------------------------------------------------------


def with_retry_after(response, exc: RateLimited):
    response.status_code = 429
    response["Retry-After"] = str(exc.retry_after)
    return response


def api_response(exc: RateLimited) -> JsonResponse:
    """The API's error shape, with status 429 and Retry-After."""
    body = {"detail": exc.message, "errors": {}}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return with_retry_after(response, exc)
