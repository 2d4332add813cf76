from django.core.management.base import BaseCommand, CommandError

from juwe import auditchain


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain and recompute every hash. Exits 1 at the first gap, changed or "
        "inserted event (naming its id) or when a guarding trigger is switched off; prints the number of "
        "events and the head of the chain otherwise. Keep the printed anchor outside the database and pass "
        "it with --anchor next time: that also catches deleted newest events and a rewritten chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            metavar="POSITION:HASH",
            help="A head printed by an earlier run; the event at that position must still have that hash.",
        )

    def handle(self, *args, anchor: str | None, **options):
        try:
            expected = auditchain.parse_anchor(anchor) if anchor else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        off = auditchain.disabled_triggers()
        if off:
            raise CommandError(f"Audit-Trigger fehlen oder sind abgeschaltet: {', '.join(off)}.")
        result = auditchain.verify(anchor=expected)
        if not result.ok:
            raise CommandError(
                f"Audit-Kette gebrochen: {result.problem} "
                f"(bis Position {result.head_seq} intakt, {result.count} Ereignisse geprüft)"
            )
        self.stdout.write(f"Audit-Kette intakt: {result.count:,} Ereignisse.".replace(",", "."))
        if result.count:
            self.stdout.write(f"Anker für die nächste Prüfung: --anchor {result.head_seq}:{result.head_hash}")
