"""Background work of a worker process that gives way to the requests it serves.

A granian worker runs its request threads and its background threads (the station index build,
the assistant's warm-up) on one Python interpreter: whichever holds the GIL, the others wait. A
build that loads 10^5 stations runs Python for seconds, and a request served meanwhile took
several times as long as on a quiet worker (measured: a fresh worker's first "nearest" 98 ms, its
p99 95 ms, against 9 ms once the build was done). Background work marked with ``background()``
calls ``give_way()`` between small steps; while the process is serving a request, that waits
(sleeping, so the GIL is free) until no request is in flight, at most ``LONGEST_WAIT_S`` per
step, so the work still finishes under a steady load. Request threads are never held: outside
``background()`` a call does nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

# A step of background work waits at most this long for the requests in flight: past it, the
# step runs beside them (under a steady load, background work runs about one step per wait).
LONGEST_WAIT_S = 0.02
NAP_S = 0.0005

# The threads serving a request now, by ident: a set, not a counter, so a request whose end is
# never announced (an exception escaping the handler) is forgotten when its thread serves the
# next one, and a thread is never counted twice.
_serving: set[int] = set()
_marked = threading.local()


def request_started(**_kwargs) -> None:
    _serving.add(threading.get_ident())


def request_finished(**_kwargs) -> None:
    _serving.discard(threading.get_ident())


def serving() -> int:
    """Requests this process is serving now."""
    return len(_serving)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Mark the current thread's work inside the block as background work, which gives way."""
    previous = getattr(_marked, "on", False)
    _marked.on = True
    try:
        yield
    finally:
        _marked.on = previous


@contextlib.contextmanager
def waiting() -> Iterator[None]:
    """A request thread that waits inside the block for background work (a fresh worker's first
    index) is not counted as served meanwhile: the work would otherwise give way to the very
    request that waits for it, step after step."""
    me = threading.get_ident()
    if me not in _serving:
        yield
        return
    _serving.discard(me)
    try:
        yield
    finally:
        _serving.add(me)


def give_way(longest_s: float | None = None) -> float:
    """In background work: wait while a request is being served, at most ``longest_s`` (by
    default ``LONGEST_WAIT_S``). Returns the seconds waited (0 outside ``background()`` or with
    no request in flight)."""
    if not _serving or not getattr(_marked, "on", False):
        return 0.0
    started = time.monotonic()
    deadline = started + (LONGEST_WAIT_S if longest_s is None else longest_s)
    while _serving and time.monotonic() < deadline:
        time.sleep(NAP_S)
    return time.monotonic() - started


def giving_way(items: Iterable[T], every: int = 500) -> Iterator[T]:
    """``items``, giving way after each ``every`` of them."""
    for count, item in enumerate(items, 1):
        if count % every == 0:
            give_way()
        yield item
