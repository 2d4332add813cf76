"""Run service calls at the same moment in threads, to test row locks against real PostgreSQL."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def race(*calls):
    """Run the calls in threads released at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors
