"""Timing and query counting shared by the benchmarks in tests/perf (not part of the test suite)."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def samples(func, repeat: int) -> list[float]:
    """Seconds of `repeat` runs of `func`, after one warm-up run (caches, connections)."""
    func()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        runs.append(time.perf_counter() - started)
    return runs


def best(func, repeat: int) -> float:
    """The fastest run: on a shared machine the figure least disturbed by other work (as timeit recommends)."""
    return min(samples(func, repeat))


def queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)
