"""Run one action in several threads released at once (each thread closes its own connection),
to show what the database holds when officers act at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection


def run_in_parallel(n, action):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(action(i))
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


# Kept for the tests that still carry it: the SQLite test database is a file now
# (test_settings), where a second connection waits instead of failing, so nothing is skipped.
SQLITE_SKIP = pytest.mark.skipif(False, reason="runs on both databases")
