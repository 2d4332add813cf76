"""Delete the checked cost-entry files of the web import older than a day (cron, e.g. nightly).

The import page purges them on every visit too; this command keeps the table empty when nobody
imports for a while (the files name cases and amounts)."""

from django.core.management.base import BaseCommand

from budgets import imports


class Command(BaseCommand):
    help = "Delete checked cost-entry import files older than a day, confirmed or not."

    def handle(self, **options):
        deleted = imports.uploads_purge()
        if options["verbosity"]:
            self.stdout.write(f"{deleted} geprüfte Importdatei(en) gelöscht.")
