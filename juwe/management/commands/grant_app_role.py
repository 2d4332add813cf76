"""Give the application's database role what it needs at runtime, and nothing it must not have.

Run as the owner of the schema (the role that runs `migrate`), after every `migrate`. The SQL is
the one in the README's section "Datenbankrollen", so a server can also be set up by hand.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from juwe.models import AuditEvent

# The application may add to these tables but never change or empty them.
APPEND_ONLY_TABLES = (AuditEvent._meta.db_table,)
# The application reads these (runserver's check for unapplied migrations) but never writes them.
READ_ONLY_TABLES = ("django_migrations",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str, schema: str) -> list[str]:
    """The idempotent grants, also the ones that take back what an earlier `GRANT ALL` gave."""
    append_only = ", ".join(APPEND_ONLY_TABLES)
    read_only = ", ".join(READ_ONLY_TABLES)
    return [
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON {append_only}, {read_only} FROM PUBLIC",
        f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {role}",
        f"REVOKE UPDATE, DELETE ON {append_only} FROM {role}",
        f"GRANT SELECT, INSERT ON {append_only} TO {role}",
        # nextval() for new rows; not UPDATE (setval could reuse numbers).
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        # Tables and sequences that later migrations create (as this owner) get the same rights.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = (
        "Grant the application's database role SELECT/INSERT/UPDATE/DELETE on the application's tables, "
        "only SELECT/INSERT on the audit trail and only SELECT on django_migrations, USAGE on the sequences, "
        "and the same for tables created later (default privileges). Run as the schema owner after migrate; "
        "idempotent. Refuses a role that is a superuser, owns anything here or could act as the owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", default="juwe_app", help="The application's role (default juwe_app).")

    def handle(self, *args, role: str, **options):
        if not ROLE_NAME.match(role):
            raise CommandError(f"Ungültiger Rollenname {role!r}: Kleinbuchstaben, Ziffern und _ erwartet.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(
                    f"Die Rolle {role} gibt es nicht. Legen Sie sie an (als Superuser): "
                    f"CREATE ROLE {role} LOGIN PASSWORD '…' NOSUPERUSER NOCREATEDB NOCREATEROLE;"
                )
            if row[0] or row[1]:
                raise CommandError(f"Die Rolle {role} ist Superuser (oder umgeht Row-Level-Security): "
                                   f"als Anwendungsrolle ungeeignet.")
            cursor.execute("SELECT current_user, quote_ident(current_schema())")
            owner, schema = cursor.fetchone()
            if owner == role:
                raise CommandError(f"grant_app_role läuft als {role} selbst: als Eigentümer des Schemas ausführen.")
            cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
            if cursor.fetchone()[0]:
                raise CommandError(f"Die Rolle {role} ist Mitglied von {owner} und könnte als Eigentümer handeln.")
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = %s AND c.relnamespace = current_schema()::regnamespace",
                [role],
            )
            if owned := cursor.fetchone()[0]:
                raise CommandError(
                    f"Die Rolle {role} besitzt {owned} Tabellen/Sequenzen im Schema {schema}: "
                    f"übertragen Sie sie an {owner} (REASSIGN OWNED BY {role} TO {owner};)."
                )
            for statement in grant_statements(role, schema):
                cursor.execute(statement)
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                "AND relkind IN ('r', 'p') AND has_table_privilege(%s, oid, 'UPDATE')",
                [role],
            )
            writable = cursor.fetchone()[0]
        self.stdout.write(
            f"Rechte für {role} gesetzt: {writable} Tabellen zum Schreiben, "
            f"{', '.join(APPEND_ONLY_TABLES)} nur SELECT/INSERT, {', '.join(READ_ONLY_TABLES)} nur SELECT."
        )
