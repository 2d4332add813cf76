"""The audit trail against its own database (issue 13, item 6).

The application runs as a role that may only INSERT and SELECT audit events; the database takes
the time from its own clock, refuses TRUNCATE and chains every event to the one before, so that
`audit_verify` finds a changed or deleted event even when the owner did it with triggers off.

pytest-django creates the test database as the superuser from DATABASE_URL; the tests below
create the application role on the cluster if it is missing, grant it with `grant_app_role` and
switch to it with SET ROLE inside the test's transaction.
"""

import datetime as dt
import importlib
import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from juwe import auditchain
from juwe.audit import Action, audit_log
from juwe.models import AuditEvent

APP_ROLE = "juwe_app"
TABLE = AuditEvent._meta.db_table


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    """The application role on this cluster (created if missing; parallel workers may race to create it)."""
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DO $$ BEGIN CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        call_command("grant_app_role", APP_ROLE, stdout=StringIO())
    return APP_ROLE


@contextmanager
def as_app_role():
    """Run the block as the application role: what the running application could do."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {APP_ROLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql: str, params=None) -> str:
    """Run `sql` in a savepoint and return the database's error; fail the test if it was accepted."""
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc.value)


def run(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.fixture
def events(users):
    return [
        audit_log(action=Action.VIEW, name="cases.case.viewed", user=users.case_manager, data={"part": n})
        for n in ("a", "b", "c", "d")
    ]


# --- What the application role cannot do ---------------------------------------------------------


def test_app_role_cannot_truncate_the_audit_trail(app_role, events):
    with as_app_role():
        assert "permission denied" in refused(f"TRUNCATE {TABLE}")
        # Saying that it may does not help: the guard wants the table's owner as well.
        run("SET LOCAL juwe.allow_truncate = on")
        assert "permission denied" in refused(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == 4


def test_truncate_is_refused_even_for_the_owner_unless_the_session_says_so(events):
    """The superuser runs this test (it owns the table): a stray TRUNCATE or `manage.py flush` fails."""
    run("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run while the events' FK checks are pending
    assert "append-only: TRUNCATE is refused" in refused(f"TRUNCATE {TABLE} CASCADE")
    assert AuditEvent.objects.count() == 4
    with transaction.atomic():
        run("SET LOCAL juwe.allow_truncate = on")  # what tests/audit_flush.py does for the test flush
        run(f"TRUNCATE {TABLE} CASCADE")
        assert AuditEvent.objects.count() == 0
        transaction.set_rollback(True)


def test_app_role_cannot_switch_triggers_off_by_replication_role(app_role, events):
    with as_app_role():
        assert "permission denied" in refused("SET session_replication_role = replica")


@pytest.mark.parametrize("what", ["ALL", "juwe_audit_chain", "pgtrigger_audit_append_only_51ec4"])
def test_app_role_cannot_disable_the_audit_triggers(app_role, events, what):
    with as_app_role():
        assert "must be owner" in refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER {what}")


@pytest.mark.parametrize(
    "sql",
    [f"UPDATE {TABLE} SET name = 'tampered'", f"DELETE FROM {TABLE}", f"DROP TABLE {TABLE}",
     f"DROP TRIGGER juwe_audit_chain ON {TABLE}", "CREATE OR REPLACE FUNCTION juwe_audit_chain() "
     "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"],
)
def test_app_role_cannot_change_delete_or_rewire_audit_events(app_role, events, sql):
    with as_app_role():
        error = refused(sql)
    assert "permission denied" in error or "must be owner" in error
    assert set(AuditEvent.objects.values_list("name", flat=True)) == {"cases.case.viewed"}
    assert AuditEvent.objects.count() == 4


def test_back_dated_insert_gets_the_database_clock_and_the_next_chain_position(app_role, events):
    head = AuditEvent.objects.order_by("-seq").first()
    (db_now,) = run("SELECT clock_timestamp()")[0]
    with as_app_role():
        # Plain SQL with every column chosen by the client: time, position and both hashes.
        (row,) = run(
            f"INSERT INTO {TABLE} (created_at, seq, prev_hash, hash, username, action, name, object_type, "
            "object_id, object_repr, path, data) VALUES ('2001-01-01 00:00+00', 1, %s, %s, 'x', 'view', "
            "'cases.case.viewed', '', '', '', '', '{}') RETURNING created_at, seq, prev_hash",
            ["0" * 64, "f" * 64],
        )
    created_at, seq, prev_hash = row
    assert created_at >= db_now
    assert (seq, prev_hash) == (head.seq + 1, head.hash)
    assert "intakt: 5 Ereignisse" in verify()


def test_back_dated_event_through_the_orm_gets_the_database_clock(app_role, users):
    with as_app_role():
        event = AuditEvent.objects.create(
            created_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC), username="x", action="view", name="x.y.z"
        )
    (stored,) = AuditEvent.objects.filter(pk=event.pk).values_list("created_at", flat=True)
    assert stored.year != 2001
    assert event.created_at == stored  # read back with RETURNING, not what the client sent


def test_pgtrigger_ignore_does_not_skip_the_chain(app_role, events):
    """django-pgtrigger's triggers honour `SET pgtrigger.ignore`; the chain trigger is plain SQL and does not."""
    with as_app_role():
        run("SET LOCAL pgtrigger.ignore = '{juwe_audit_chain,pgtrigger_audit_append_only_51ec4}'")
        run(f"INSERT INTO {TABLE} (created_at, username, action, name, object_type, object_id, object_repr, "
            "path, data) VALUES ('2001-01-01 00:00+00', 'x', 'view', 'n', '', '', '', '', '{}')")
    assert not AuditEvent.objects.filter(created_at__year=2001).exists()
    assert "intakt: 5 Ereignisse" in verify()


def test_a_temporary_table_cannot_stand_in_for_the_head_of_the_chain(app_role, events):
    """The trigger pins its search_path with pg_temp last: a temp table of the same name is not read."""
    with as_app_role():
        run(f"CREATE TEMP TABLE {TABLE} (seq bigint, hash text) ON COMMIT DROP")
        run(f"INSERT INTO pg_temp.{TABLE} VALUES (1000, 'forged')")
        (row,) = run(f"INSERT INTO public.{TABLE} (username, action, name, object_type, object_id, object_repr, "
                     "path, data) VALUES ('x', 'view', 'n', '', '', '', '', '{}') RETURNING seq, prev_hash")
    assert row == (events[-1].seq + 1, events[-1].hash)


# --- What it can do --------------------------------------------------------------------------------


def test_app_role_writes_audit_events_and_reads_back_time_and_chain(app_role, users, events):
    with as_app_role():
        event = audit_log(action=Action.VIEW, name="juwe.district.viewed", user=users.case_manager)
        assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert (event.seq, event.prev_hash) == (events[-1].seq + 1, events[-1].hash)
    assert len(event.hash) == 64 and event.created_at is not None


def test_app_role_changes_application_tables_but_not_the_migration_history(app_role, org):
    with as_app_role():
        run("UPDATE juwe_district SET name = name || ' (neu)' WHERE id = %s", [org.walle.pk])
        run("DELETE FROM django_session")
        assert "permission denied" in refused("INSERT INTO django_migrations (app, name, applied) "
                                              "VALUES ('juwe', '9999_fake', now())")
        assert "permission denied" in refused("DELETE FROM django_migrations")
        assert "permission denied" in refused("CREATE TABLE juwe_smuggled (id int)")


def test_grant_app_role_is_idempotent_and_covers_tables_created_later(app_role, db):
    call_command("grant_app_role", APP_ROLE, stdout=StringIO())
    run("CREATE TABLE juwe_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")
    with as_app_role():
        run("INSERT INTO juwe_later (note) VALUES ('neu')")
        assert run("SELECT note FROM juwe_later") == [("neu",)]


def test_grant_app_role_refuses_a_superuser_and_an_unknown_role(db):
    with pytest.raises(CommandError, match="Superuser"):
        call_command("grant_app_role", "postgres", stdout=StringIO())
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("grant_app_role", "juwe_nobody_here", stdout=StringIO())


def test_grant_app_role_refuses_a_role_that_owns_tables(app_role, db):
    run("CREATE TABLE juwe_owned_by_app (id int)")
    run(f"ALTER TABLE juwe_owned_by_app OWNER TO {APP_ROLE}")
    with pytest.raises(CommandError, match="besitzt 1 Tabellen"):
        call_command("grant_app_role", APP_ROLE, stdout=StringIO())


# --- audit_verify ----------------------------------------------------------------------------------


def test_verify_passes_on_an_intact_chain_and_prints_count_and_anchor(events):
    out = verify()
    assert "Audit-Kette intakt: 4 Ereignisse." in out
    head = AuditEvent.objects.order_by("-seq").first()
    assert f"--anchor {head.seq}:{head.hash}" in out
    call_command("audit_verify", "--anchor", f"{head.seq}:{head.hash}", stdout=StringIO())


def test_verify_passes_on_an_empty_trail(db):
    assert "intakt: 0 Ereignisse" in verify()


def test_python_and_database_hash_alike_with_awkward_content(users, org):
    """Umlauts, emoji, separators and NULLs serialise the same way in the trigger and in audit_verify."""
    audit_log(action=Action.VIEW, name="x.y.z", obj=org.walle, data={"ä": "1:2|N|", "emoji": "👩‍👧", "n": None, "f": 1.5})
    audit_log(action=Action.LOGIN_FAILED, name="juwe.user.login_failed", username="Jürgen|3:x")
    assert "intakt: 2 Ereignisse" in verify()


def tamper(sql: str, params=None) -> None:
    """What the owner (here the superuser) could do: switch the triggers off and change the table."""
    run("SET LOCAL session_replication_role = replica")
    run(sql, params)
    run("SET LOCAL session_replication_role = origin")


def test_verify_finds_a_changed_event_by_its_id(events):
    tamper(f"UPDATE {TABLE} SET object_repr = 'harmlos' WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=rf"Ereignis id={events[1].pk} \(Position {events[1].seq}\) wurde verändert"):
        verify()


def test_verify_finds_a_changed_time(events):
    tamper(f"UPDATE {TABLE} SET created_at = created_at - interval '1 day' WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=f"id={events[2].pk} .* wurde verändert"):
        verify()


def test_verify_finds_a_deleted_event_as_a_gap(events):
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=rf"Lücke vor Ereignis id={events[2].pk} .*Position {events[1].seq} fehlt"):
        verify()


def test_verify_finds_a_changed_event_that_was_rehashed(events):
    """The owner changes an event and recomputes its hash: the next event no longer points at it."""
    victim = events[1]
    fields = run(auditchain.SELECT_SQL.replace("ORDER BY e.seq", "WHERE e.id = %s"), [victim.pk])[0][4:]
    changed = list(fields)
    changed[10] = "harmlos"  # object_repr (after prev_hash, seq, id, time, user, name, action, event, type, id)
    new_hash = auditchain.event_hash(changed)
    tamper(f"UPDATE {TABLE} SET object_repr = 'harmlos', hash = %s WHERE id = %s", [new_hash, victim.pk])
    with pytest.raises(CommandError, match=f"Ereignis id={events[2].pk} .* nicht an id={victim.pk} gekettet"):
        verify()


def test_verify_with_an_anchor_finds_deleted_newest_events(events):
    last = events[-1]
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
    assert "intakt: 3 Ereignisse" in verify()  # the chain alone cannot see a cut-off tail
    with pytest.raises(CommandError, match=f"endet bei Position {last.seq - 1}, vor dem Anker"):
        call_command("audit_verify", "--anchor", f"{last.seq}:{last.hash}", stdout=StringIO())


def test_verify_with_an_anchor_finds_a_rewritten_chain(events):
    with pytest.raises(CommandError, match="nicht mehr den Hash des Ankers"):
        call_command("audit_verify", "--anchor", f"{events[0].seq}:{'a' * 64}", stdout=StringIO())
    with pytest.raises(CommandError, match="POSITION:HASH"):
        call_command("audit_verify", "--anchor", "12:abc", stdout=StringIO())


def test_verify_refuses_while_a_guarding_trigger_is_off(events):
    run("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no pending FK checks of the events
    run(f"ALTER TABLE {TABLE} DISABLE TRIGGER juwe_audit_no_truncate")
    with pytest.raises(CommandError, match="juwe_audit_no_truncate"):
        verify()


def test_an_insert_that_skips_the_trigger_fails(events):
    """With triggers off (replica) nothing fills the chain columns, and they are NOT NULL."""
    with pytest.raises(DatabaseError, match="seq"), transaction.atomic():
        tamper(f"INSERT INTO {TABLE} (username, action, name, object_type, object_id, object_repr, path, data) "
               "VALUES ('x', 'view', 'n', '', '', '', '', '{}')")


def test_a_fork_of_the_chain_is_refused_by_the_unique_constraint(events):
    head = events[-1]
    with pytest.raises(DatabaseError, match="audit_chain_no_fork"), transaction.atomic():
        tamper(f"INSERT INTO {TABLE} (seq, prev_hash, hash, username, action, name, object_type, object_id, "
               "object_repr, path, data) VALUES (%s, %s, %s, 'x', 'view', 'n', '', '', '', '', '{}')",
               [head.seq + 100, events[-2].hash, "e" * 64])


# --- Concurrency and existing rows -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_make_one_unbroken_chain(app_role, users):
    per_writer = 200
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def write(user):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {APP_ROLE}")
            barrier.wait()
            for n in range(per_writer):
                # Half inside a service-like transaction, half on their own (autocommit).
                if n % 2:
                    with transaction.atomic():
                        audit_log(action=Action.VIEW, name="cases.case.viewed", user=user, data={"n": n})
                else:
                    audit_log(action=Action.VIEW, name="cases.case.viewed", user=user, data={"n": n})
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(u,)) for u in (users.case_manager, users.colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    chain = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash", "username"))
    assert [seq for seq, *_ in chain] == list(range(1, 2 * per_writer + 1))
    assert all(prev == before[2] for before, (_, prev, _, _) in zip(chain, chain[1:], strict=False))
    assert {name for *_, name in chain} == {"cm", "cm2"}
    assert f"intakt: {2 * per_writer} Ereignisse" in verify()


@pytest.mark.django_db(transaction=True)
def test_migration_chains_existing_events_in_id_order(users):
    """Events written before the chain existed are chained by the migration, oldest id first."""
    migration = importlib.import_module("juwe.migrations.0006_audit_chain").Migration
    parent = next(dep for dep in migration.dependencies if dep[0] == "juwe")
    executor = MigrationExecutor(connection)
    executor.migrate([parent])
    try:
        for n, (when, who) in enumerate([("2024-05-01", "b"), ("2023-01-01", "a"), ("2025-01-01", "c")]):
            run(f"INSERT INTO {TABLE} (created_at, username, action, name, object_type, object_id, object_repr, "
                "path, data) VALUES (%s, %s, 'view', 'x.y.z', '', '', '', '', %s)", [when, who, f'{{"n": {n}}}'])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([("juwe", "0006_audit_chain")])
        call_command("migrate", verbosity=0)  # back to the latest state (later migrations may follow 0006)
    chain = list(AuditEvent.objects.order_by("seq").values_list("id", "seq", "username", "created_at"))
    assert [username for _, _, username, _ in chain] == ["b", "a", "c"]  # id order, not time order
    assert [seq for _, seq, _, _ in chain] == [1, 2, 3]
    assert chain[1][3] == dt.datetime(2023, 1, 1, tzinfo=dt.UTC)  # the old times stay as they were
    assert "intakt: 3 Ereignisse" in verify()
    assert AuditEvent.objects.get(seq=1).prev_hash == "0" * 64


def test_admin_shows_the_time_and_chain_of_an_event(as_user, users, events):
    response = as_user(users.admin).get(reverse("admin:juwe_auditevent_change", args=[events[1].pk]))
    page = response.content.decode()
    assert "Position in der Audit-Kette" in page and events[1].hash in page and events[0].hash in page


def test_readme_shows_the_grants_the_command_runs():
    from juwe.management.commands.grant_app_role import grant_statements

    readme = (settings.BASE_DIR / "README.md").read_text()
    for statement in grant_statements("juwe_app", "public"):
        assert f"{statement};\n" in readme


def test_pages_that_read_and_write_work_as_the_app_role(app_role, as_user, users, org):
    """The role has what the application needs: pages that read case data (and audit it), log in."""
    from tests.cases.factories import make_case

    case = make_case(users.case_manager, org.walle)
    with as_app_role():
        for user, url in [
            (users.case_manager, reverse("home")),
            (users.case_manager, reverse("cases:list")),
            (users.case_manager, reverse("cases:detail", args=[case.pk])),
            (users.leadership, reverse("controlling:dashboard")),
            (users.admin, reverse("admin:juwe_auditevent_changelist")),
        ]:
            assert as_user(user).get(url).status_code == 200, url
        assert AuditEvent.objects.filter(name="cases.case.viewed", object_id=str(case.pk)).exists()
    assert "intakt" in verify()
