"""The audit trail becomes tamper-evident (issue 13, item 6).

- `created_at` comes from the database clock: a column default (Django's Now()) and the BEFORE
  INSERT trigger, which overrides whatever the client sends, so a back-dated event cannot be written.
- Every event is chained to the one before: `seq` (1, 2, 3, … without gaps), `prev_hash` (the
  previous event's hash, 64 zeros for the first) and `hash` = sha256 over the previous hash and all
  columns of the event (`juwe_audit_hash`). The trigger takes a transaction-scoped advisory lock
  before it reads the head of the chain, so concurrent inserts queue instead of forking the chain;
  UNIQUE(prev_hash) and UNIQUE(seq) make a fork fail should anything get past the lock.
- TRUNCATE is refused by a statement trigger, unless the session owns the table *and* sets
  `juwe.allow_truncate = on` (the test suite's flush between transactional tests does; nothing
  else should).
- Existing events are chained in id order.

The triggers are plain SQL, not django-pgtrigger: pgtrigger's functions skip themselves when a
session sets `pgtrigger.ignore`, which any role may set – the application role could then insert
back-dated, unchained events. The functions pin their search_path (pg_temp last), so a temporary
table named juwe_auditevent cannot stand in for the real one.

`manage.py audit_verify` recomputes the hashes in Python from the same serialization; change both
together (and bump the "juwe-audit-v1" tag) if a column is ever added.
"""

from django.db import migrations, models
from django.db.models.functions import Now

# The tail of the chain is serialised by this advisory lock key (ASCII "juweaudt"); the budgets lock
# with two 32-bit keys, a key space PostgreSQL keeps apart from single 64-bit keys.
CHAIN_LOCK_KEY = 0x6A75776561756474

FUNCTIONS = """
-- One field of the serialization: NULL and '' differ, and the length prefix makes the
-- concatenation unambiguous whatever a field contains. Plain SQL of built-ins only, so the planner
-- inlines it (a SET clause would prevent that and make hashing several times slower).
CREATE OR REPLACE FUNCTION juwe_audit_field(v text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN v IS NULL THEN 'N|' ELSE length(v)::text || ':' || v || '|' END $$;

CREATE OR REPLACE FUNCTION juwe_audit_hash(e juwe_auditevent) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = {schema}, pg_temp
AS $$
BEGIN
    RETURN encode(sha256(convert_to(
        'juwe-audit-v1|'
        || juwe_audit_field(e.prev_hash)
        || juwe_audit_field(e.seq::text)
        || juwe_audit_field(e.id::text)
        || juwe_audit_field(to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || juwe_audit_field(e.user_id::text)
        || juwe_audit_field(e.username)
        || juwe_audit_field(e.action)
        || juwe_audit_field(e.name)
        || juwe_audit_field(e.object_type)
        || juwe_audit_field(e.object_id)
        || juwe_audit_field(e.object_repr)
        || juwe_audit_field(e.path)
        || juwe_audit_field(e.ip_address::text)
        || juwe_audit_field(e.data::text),
        'UTF8')), 'hex');
END
$$;

CREATE OR REPLACE FUNCTION juwe_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {schema}, pg_temp
AS $$
DECLARE
    head record;
BEGIN
    -- Held until the inserting transaction ends: the next writer must see this row as the head.
    PERFORM pg_advisory_xact_lock({lock_key});
    SELECT seq, hash INTO head FROM juwe_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.created_at := clock_timestamp();
    NEW.seq := coalesce(head.seq, 0) + 1;
    NEW.prev_hash := coalesce(head.hash, repeat('0', 64));
    NEW.hash := juwe_audit_hash(NEW);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION juwe_audit_refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {schema}, pg_temp
AS $$
BEGIN
    -- Only the table's owner (or a superuser) who says so explicitly: the test suite's flush.
    IF current_setting('juwe.allow_truncate', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail % is append-only: TRUNCATE is refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

BACKFILL = """
DO $$
DECLARE
    e juwe_auditevent;
    prev text := repeat('0', 64);
    n bigint := 0;
BEGIN
    FOR e IN SELECT * FROM juwe_auditevent ORDER BY id LOOP
        n := n + 1;
        e.seq := n;
        e.prev_hash := prev;
        e.hash := juwe_audit_hash(e);
        UPDATE juwe_auditevent SET seq = e.seq, prev_hash = e.prev_hash, hash = e.hash WHERE id = e.id;
        prev := e.hash;
    END LOOP;
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER juwe_audit_chain BEFORE INSERT ON juwe_auditevent
    FOR EACH ROW EXECUTE FUNCTION juwe_audit_chain();
CREATE TRIGGER juwe_audit_no_truncate BEFORE TRUNCATE ON juwe_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION juwe_audit_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS juwe_audit_no_truncate ON juwe_auditevent;
DROP TRIGGER IF EXISTS juwe_audit_chain ON juwe_auditevent;
DROP FUNCTION IF EXISTS juwe_audit_refuse_truncate();
DROP FUNCTION IF EXISTS juwe_audit_chain();
DROP FUNCTION IF EXISTS juwe_audit_hash(juwe_auditevent);
DROP FUNCTION IF EXISTS juwe_audit_field(text);
"""

# The append-only trigger of 0001 (django-pgtrigger) refuses the backfill's UPDATE.
APPEND_ONLY = "pgtrigger_audit_append_only_51ec4"


def create_chain(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
        cursor.execute(FUNCTIONS.format(schema=schema, lock_key=CHAIN_LOCK_KEY))
        cursor.execute(f"ALTER TABLE juwe_auditevent DISABLE TRIGGER {APPEND_ONLY}")
        cursor.execute(BACKFILL)
        cursor.execute(f"ALTER TABLE juwe_auditevent ENABLE TRIGGER {APPEND_ONLY}")
        cursor.execute(TRIGGERS)


def drop_chain(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("juwe", "0005_user_previous_password"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(db_default=Now(), db_index=True, editable=False, verbose_name="time"),
        ),
        # Nullable while the existing events are chained, NOT NULL and unique afterwards.
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="position in the audit chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="hash of the previous event"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="hash"),
        ),
        migrations.RunPython(create_chain, drop_chain, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(db_default=None, editable=False, verbose_name="position in the audit chain"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(db_default=None, editable=False, max_length=64, verbose_name="hash of the previous event"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(db_default=None, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_chain_no_fork"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("seq",), name="audit_chain_seq_unique"),
        ),
    ]
