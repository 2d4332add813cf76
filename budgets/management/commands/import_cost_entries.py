"""Import actual-cost entries from a bookkeeping CSV export (large files; the web import takes up to 5 MB).

Amounts are read with German rules (budgets.imports, juwe.lib.money.parse_amount), as in the web import."""

import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from budgets import imports
from juwe.lib.money import format_amount
from juwe.models import User


class Command(BaseCommand):
    help = (
        "Check a semicolon CSV of cost entries row by row and save it in one transaction (all or nothing). "
        f"Columns: {';'.join(imports.COLUMNS)}"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", required=True,
                            help="user name of the economic youth aid member importing; the rows are checked in "
                                 "that user's scope (districts, budgets and cases of their social centre)")
        parser.add_argument("--check-only", action="store_true", help="check the file, save nothing")

    def handle(self, path: Path, user: str, check_only: bool, **options):
        try:
            importer = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Unbekannter Benutzer: {user}") from None
        if not importer.has_perm("budgets.book_costs"):
            raise CommandError(f"{user} darf keine Kosten buchen (Rolle Wirtschaftliche Jugendhilfe nötig).")
        started = time.monotonic()
        text = imports.decode(path.read_bytes())
        lines = text.count("\n")
        quiet = options["verbosity"] == 0
        with tqdm(total=lines, desc="Prüfen", unit=" Zeilen", file=sys.stderr, disable=quiet) as bar:
            # The user's scope applies as in the web import: other social centres' districts,
            # budgets and cases are unknown to the file.
            result = imports.parse(text, user=importer, progress=lambda n: bar.update(n - bar.n))
            bar.update(lines - bar.n)
        if result.error_count:
            for message in result.errors:
                self.stderr.write(message)
            raise CommandError(f"{result.error_count} fehlerhafte Zeile(n); nichts gespeichert.")
        if check_only:
            self.stdout.write(f"Datei in Ordnung: {len(result.rows)} Buchungen, Summe {format_amount(result.total, language='de')}.")
            return
        with tqdm(total=len(result.rows), desc="Speichern", unit=" Zeilen", file=sys.stderr, disable=quiet) as bar:
            try:
                saved = imports.save(result, user=importer, filename=path.name,
                                     progress=lambda n: bar.update(n - bar.n))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            bar.update(saved - bar.n)
        self.stdout.write(self.style.SUCCESS(
            f"{saved} Buchungen importiert, Summe {format_amount(result.total, language='de')}, in {time.monotonic() - started:.1f} s."
        ))
