"""core.giveway: background work waits while the process serves a request (told by Django's own
request_started/request_finished signals), never longer than its limit, and never holds up a
request thread."""

import threading
import time

import pytest
from django.core.signals import request_started

from gonghui.core import giveway


@pytest.fixture
def request_in_flight():
    """A request being served in another thread, as a worker's request thread announces one
    (what the request_started signal calls: the signal itself would also close the test's
    database connection); ``end()`` finishes it."""
    finish = threading.Event()
    begun = threading.Event()

    def serve():
        giveway.request_started()
        begun.set()
        finish.wait(30)
        giveway.request_finished()

    server = threading.Thread(target=serve)
    server.start()
    begun.wait(5)

    def end():
        finish.set()
        server.join(5)

    yield end
    end()


def test_no_request_in_flight_no_wait(db):
    assert giveway.serving() == 0
    with giveway.background():
        assert giveway.give_way(1.0) == 0.0


def test_background_work_waits_for_the_request_then_goes_on(request_in_flight):
    assert giveway.serving() == 1
    timer = threading.Timer(0.15, request_in_flight)
    timer.start()
    with giveway.background():
        waited = giveway.give_way(5.0)
    timer.join()
    assert 0.1 < waited < 2.0  # until the request ended, not the whole limit
    assert giveway.serving() == 0


def test_under_a_steady_load_each_step_waits_only_its_limit(request_in_flight):
    with giveway.background():
        started = time.monotonic()
        steps = list(giveway.giving_way(range(10), every=2))
        took = time.monotonic() - started
    assert steps == list(range(10))
    assert 5 * giveway.LONGEST_WAIT_S <= took < 5 * giveway.LONGEST_WAIT_S + 2.0


def test_a_request_thread_is_never_held(request_in_flight):
    started = time.monotonic()
    assert giveway.give_way(5.0) == 0.0  # this thread is not marked as background work
    assert list(giveway.giving_way(range(1000), every=1)) == list(range(1000))
    assert time.monotonic() - started < 1.0


def test_the_mark_belongs_to_its_thread_and_block(request_in_flight):
    waited = []
    with giveway.background():
        other = threading.Thread(target=lambda: waited.append(giveway.give_way(5.0)))
        other.start()
        other.join()
    assert waited == [0.0]
    assert giveway.give_way(5.0) == 0.0  # the block has ended


def test_real_requests_are_counted_in_and_out(client, db):
    assert giveway.serving() == 0
    seen = []
    request_started.connect(
        lambda **kw: seen.append(giveway.serving()), weak=False, dispatch_uid="t"
    )
    try:
        client.get("/api/health")
    finally:
        request_started.disconnect(dispatch_uid="t")
    assert seen == [1]
    assert giveway.serving() == 0


def test_a_thread_is_counted_once_and_an_unended_request_is_forgotten():
    giveway.request_started()
    giveway.request_started()  # the previous request's end was never announced
    assert giveway.serving() == 1
    giveway.request_finished()
    giveway.request_finished()
    assert giveway.serving() == 0


def test_a_request_waiting_for_background_work_is_not_given_way_to():
    giveway.request_started()  # this thread serves a request
    try:
        assert giveway.serving() == 1
        with giveway.waiting():
            assert giveway.serving() == 0
            waited = []
            worker = threading.Thread(target=lambda: waited.append(background_step(5.0)))
            worker.start()
            worker.join()
            assert waited == [0.0]
        assert giveway.serving() == 1
    finally:
        giveway.request_finished()
    assert giveway.serving() == 0


def background_step(longest_s):
    with giveway.background():
        return giveway.give_way(longest_s)


def test_waiting_outside_a_request_counts_nothing():
    with giveway.waiting():
        assert giveway.serving() == 0
    assert giveway.serving() == 0
