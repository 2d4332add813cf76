"""Checking the audit trail's hash chain (written by the database trigger of migration juwe/0006).

The database computes each event's hash when the event is inserted; this module recomputes it in
Python from the stored columns, so a changed function in the database cannot hide a changed event.
The serialization must stay byte for byte the one of `juwe_audit_hash` in the migration:
a version tag, then per field `N|` for NULL or `<length>:<text>|`, in the order of SELECT_SQL.

What the chain shows: an event changed, deleted or slipped in anywhere before the newest event.
What it cannot show on its own: the newest events deleted, or the whole chain rewritten by someone
who may write the table (the owner can recompute every hash). Against both, keep the head that
`audit_verify` prints somewhere the database owner cannot write (a ticket, the syslog) and pass it
back with `--anchor` next time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from juwe.models import AuditEvent

VERSION = "juwe-audit-v1|"
GENESIS = "0" * 64
# The database triggers that keep the table append-only, chained and un-truncatable.
TRIGGERS = ("juwe_audit_chain", "juwe_audit_no_truncate", "pgtrigger_audit_append_only_51ec4")

# Every column as the database prints it (the trigger hashes the same text); id, seq and the two
# hashes come first for the report.
SELECT_SQL = """
    SELECT id, seq, prev_hash, hash,
           prev_hash, seq::text, id::text,
           to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           user_id::text, username, action, name, object_type, object_id, object_repr, path,
           ip_address::text, data::text
    FROM juwe_auditevent AS e ORDER BY e.seq
"""


def event_hash(fields: Iterable[str | None]) -> str:
    """sha256 over the serialized fields (previous hash first), as `juwe_audit_hash` computes it."""
    payload = VERSION + "".join("N|" if value is None else f"{len(value)}:{value}|" for value in fields)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Result:
    count: int
    head_seq: int
    head_hash: str
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def parse_anchor(text: str) -> tuple[int, str]:
    """`1234:<64 hex digits>` – a position and the hash the event there had when it was checked."""
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or int(seq) < 1 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("Anker in der Form POSITION:HASH erwartet, z. B. 1234:9f86d0…(64 Hex-Zeichen)")
    return int(seq), digest


def disabled_triggers() -> list[str]:
    """The guarding triggers that are missing or switched off (ALTER TABLE … DISABLE TRIGGER)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled IN ('O', 'A')",
            [AuditEvent._meta.db_table],
        )
        enabled = {row[0] for row in cursor.fetchall()}
    return [name for name in TRIGGERS if name not in enabled]


def verify(*, anchor: tuple[int, str] | None = None, chunk: int = 2000) -> Result:
    """Walk the chain in order and stop at the first gap, changed or foreign event."""
    expected_seq, expected_prev, count, prev_id = 1, GENESIS, 0, None
    anchor_seen = False
    # One statement, one snapshot: events written meanwhile are simply not part of this check.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(SELECT_SQL)
        while rows := cursor.fetchmany(chunk):
            for event_id, seq, prev_hash, stored_hash, *fields in rows:
                where = f"Ereignis id={event_id} (Position {seq})"
                if seq != expected_seq:
                    missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
                    return _fail(count, expected_seq - 1, expected_prev,
                                 f"Lücke vor {where}: Position {missing} fehlt – gelöscht?")
                if event_hash(fields) != stored_hash:
                    return _fail(count, expected_seq - 1, expected_prev,
                                 f"{where} wurde verändert: der gespeicherte Hash passt nicht zum Inhalt.")
                if prev_hash != expected_prev:
                    before = f"id={prev_id}" if prev_id is not None else "dem Anfang"
                    return _fail(count, expected_seq - 1, expected_prev,
                                 f"{where} ist nicht an {before} gekettet: der Vorgänger wurde verändert "
                                 f"und neu gehasht oder ein Ereignis eingeschoben.")
                if anchor is not None and seq == anchor[0]:
                    if stored_hash != anchor[1]:
                        return _fail(count, seq - 1, expected_prev,
                                     f"{where} hat nicht mehr den Hash des Ankers: die Kette wurde neu geschrieben.")
                    anchor_seen = True
                count, expected_seq, expected_prev, prev_id = count + 1, seq + 1, stored_hash, event_id
    if anchor is not None and not anchor_seen:
        return _fail(count, expected_seq - 1, expected_prev,
                     f"Die Kette endet bei Position {expected_seq - 1}, vor dem Anker an Position {anchor[0]}: "
                     f"die neuesten Ereignisse wurden gelöscht.")
    return Result(count=count, head_seq=expected_seq - 1, head_hash=expected_prev)


def _fail(count: int, head_seq: int, head_hash: str, problem: str) -> Result:
    return Result(count=count, head_seq=head_seq, head_hash=head_hash, problem=problem)
