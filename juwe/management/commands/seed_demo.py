import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.module_loading import module_has_submodule

from juwe.demo import demo_logins
from juwe.lib.seeding import SeedContext


class Command(BaseCommand):
    help = (
        "Fill the database with the demo dataset (a Bremen-shaped youth office). Idempotent: a second run "
        "adds nothing. --scale N multiplies the volumes (staff, cases, offers, cost entries) for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply data volumes by N (default 1).")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, scale: int, quiet: bool, **options):
        if scale < 1:
            raise CommandError("--scale muss eine ganze Zahl ab 1 sein.")
        ctx = SeedContext(scale=scale, quiet=quiet)
        started = time.monotonic()
        # Apps seed in INSTALLED_APPS order, which follows the layering (base first).
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "demo"):
                module = import_module(f"{config.name}.demo")
                app_started = time.monotonic()
                module.seed(ctx)
                ctx.analyze()
                if not quiet:
                    self.stderr.write(f"  {config.verbose_name}: {time.monotonic() - app_started:.1f} s")
        elapsed = time.monotonic() - started
        total = sum(ctx.rows.values())
        for label, n in ctx.rows.items():
            self.stdout.write(f"  {label}: {n:,} neue Zeilen".replace(",", "."))
        self.stdout.write(
            f"Demodaten fertig: {total:,} neue Zeilen in {elapsed:.1f} s ({total / max(elapsed, 0.001):,.0f} Zeilen/s).".replace(",", ".")
        )
        self.stdout.write("\nDemo-Anmeldungen (Rolle: Benutzername / Passwort):")
        with translation.override("de"):
            for role, username, password in demo_logins():
                self.stdout.write(f"  {role:<28} {username:<16} {password}")
