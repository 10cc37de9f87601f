"""core.gcpause: the collector is paused while any holder is inside, restored as it was, and a
fresh worker's warm-ups end with what it holds frozen."""

import gc
import threading
import time

import pytest

from gonghui.core.gcpause import collection_paused, freeze_after


@pytest.fixture
def collector():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was_enabled:
        gc.disable()


def test_paused_until_the_last_of_parallel_holders_leaves(collector):
    first_in, second_in, first_may_leave = threading.Event(), threading.Event(), threading.Event()

    def first():
        with collection_paused():
            first_in.set()
            first_may_leave.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    assert not gc.isenabled()
    with collection_paused():
        second_in.set()
        first_may_leave.set()
        thread.join(10)
        assert not gc.isenabled()  # the first left; this block still holds it
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector):
    gc.disable()
    with collection_paused(), collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_error_inside_still_restores_the_collector(collector):
    with pytest.raises(ValueError), collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_warm_ups_end_frozen_with_the_collector_paused_until_then(collector):
    release = threading.Event()
    warm_up = threading.Thread(target=release.wait, args=(10,))
    warm_up.start()
    before = gc.get_freeze_count()
    waiter = freeze_after([warm_up])
    deadline = time.monotonic() + 5
    while gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert not gc.isenabled()  # paused while the warm-up runs
    assert gc.get_freeze_count() == before
    release.set()
    waiter.join(10)
    assert not waiter.is_alive()
    assert gc.get_freeze_count() > before
    assert gc.isenabled()


def test_a_warm_up_that_hangs_holds_the_collector_only_so_long(collector):
    release = threading.Event()
    hanging = threading.Thread(target=release.wait, args=(10,))
    hanging.start()
    waiter = freeze_after([hanging], wait_s=0.2)
    waiter.join(5)
    assert not waiter.is_alive()
    assert hanging.is_alive()
    assert gc.isenabled()
    release.set()
