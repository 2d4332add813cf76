"""What the audit chain's lock costs (run with `./dev bench tests/perf/juwe`, not part of `./dev test`).

The chain trigger (migration juwe/0006) takes a transaction-scoped advisory lock: from an audit
insert until its transaction commits, every other audit writer waits. Measured with two threads
writing 200 events each, on their own connections:

1. plain INSERTs into a copy of the table without triggers against INSERTs into the audit trail
   (the trigger's own cost: lock, head lookup, hash);
2. `audit_log` in autocommit, as views write their read events;
3. service-like transactions with 10 ms of other work, the audit event written first or last: written
   first, the lock is held through the work and the two writers take turns.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from juwe.audit import Action, audit_log

pytestmark = pytest.mark.django_db(transaction=True)
PER_WRITER = 200
WORK = 0.010  # seconds of other work in a service transaction (pg_sleep)
COLUMNS = "(username, action, name, object_type, object_id, object_repr, path, data)"
VALUES = "('bench', 'view', 'cases.case.viewed', '', '', '', '', '{}')"


def two_writers(write) -> float:
    """Seconds for two threads to call `write(n)` PER_WRITER times each, released together."""
    barrier = threading.Barrier(3)
    errors: list[Exception] = []

    def run():
        try:
            barrier.wait()
            for n in range(PER_WRITER):
                write(n)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    assert errors == []
    return time.perf_counter() - started


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def work() -> None:
    sql(f"SELECT pg_sleep({WORK})")


def audit_first(n: int) -> None:
    with transaction.atomic():
        audit_log(action=Action.UPDATE, name="bench.service", username="bench", data={"n": n})
        work()


def audit_last(n: int) -> None:
    with transaction.atomic():
        work()
        audit_log(action=Action.UPDATE, name="bench.service", username="bench", data={"n": n})


def test_cost_of_the_chain_lock():
    sql("CREATE TABLE bench_audit_plain (LIKE juwe_auditevent INCLUDING DEFAULTS INCLUDING IDENTITY)")
    sql("ALTER TABLE bench_audit_plain ALTER seq DROP NOT NULL, ALTER prev_hash DROP NOT NULL, "
        "ALTER hash DROP NOT NULL")
    try:
        rows = {
            "plain INSERT, no trigger": two_writers(lambda n: sql(f"INSERT INTO bench_audit_plain {COLUMNS} VALUES {VALUES}")),
            "INSERT into the audit trail": two_writers(lambda n: sql(f"INSERT INTO juwe_auditevent {COLUMNS} VALUES {VALUES}")),
            "audit_log, autocommit": two_writers(
                lambda n: audit_log(action=Action.VIEW, name="bench.view", username="bench", data={"n": n})),
            f"transaction, {WORK * 1000:.0f} ms work, audit last": two_writers(audit_last),
            f"transaction, {WORK * 1000:.0f} ms work, audit first": two_writers(audit_first),
        }
    finally:
        sql("DROP TABLE bench_audit_plain")
    print(f"\nTwo writers × {PER_WRITER} events each (wall time, events per second)")
    for label, seconds in rows.items():
        print(f"  {label:40s} {seconds:6.2f} s  {2 * PER_WRITER / seconds:7.0f}/s")
    serial = 2 * PER_WRITER * WORK
    print(f"  (the work alone, one writer after the other: {serial:.2f} s; side by side: {serial / 2:.2f} s)")
