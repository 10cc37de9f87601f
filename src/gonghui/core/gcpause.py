"""The cyclic garbage collector held off while a background thread builds something large.

A full (generation 2) collection walks every object in the process with the GIL held. Building
the station index of 10^5 stations allocates enough to set off three of them, 70-100 ms each
(measured), and every request thread of the worker waits them out. While a build runs the
collector is paused (reference counting still frees what is let go); once a fresh worker has
built its first index and warmed the assistant, what it holds is frozen (``gc.freeze``): the
long-lived modules, models, caches and indexes are left out of every later collection, so those
walk only what requests make.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterable, Iterator

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic collection until every thread inside this block has left it (nested and
    parallel use are counted); the collector's setting before the first entry comes back."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()


# A warm-up still running after this long no longer holds the collector paused.
WARM_UP_WAIT_S = 120.0


def freeze_after(
    threads: Iterable[threading.Thread], wait_s: float = WARM_UP_WAIT_S
) -> threading.Thread:
    """Once ``threads`` (a fresh worker's warm-ups) have finished, or ``wait_s`` has passed,
    freeze what the process holds, the collector paused until then so the warm-ups' objects go
    straight to the permanent generation instead of being walked on the way there. Returns the
    waiting thread."""
    threads = list(threads)

    def run():
        deadline = time.monotonic() + wait_s
        with collection_paused():
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            gc.freeze()

    waiter = threading.Thread(target=run, name="gc-freeze", daemon=True)
    waiter.start()
    return waiter
