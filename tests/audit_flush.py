"""Transactional tests (`transaction=True`, live_server) end with Django's flush, which TRUNCATEs every
table – the audit trail included, whose trigger refuses TRUNCATE unless the owner says
`SET juwe.allow_truncate = on` (migration juwe/0006). The test suite says so, inside the flush's own
transaction and nowhere else: `manage.py flush` on a real database still fails on the audit trail,
and the tests of the guard run without the setting."""

import pytest
from django.db.backends.postgresql.operations import DatabaseOperations


@pytest.fixture(scope="session", autouse=True)
def flush_may_empty_the_audit_trail():
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        # execute_sql_flush runs the list in one transaction, so SET LOCAL ends with the flush.
        return original(self, ["SET LOCAL juwe.allow_truncate = on", *sql_list])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield
