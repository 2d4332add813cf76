"""Helpers for demo data: every app's `demo.py` has a `seed(ctx)` that `seed_demo` calls in order.

Seeding is idempotent: each seeder keys its rows on natural keys and inserts in bulk with
`ignore_conflicts`, so running it again adds nothing.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from tqdm import tqdm

DEMO_PASSWORD = "JuWe-Demo-2026!"


@dataclass
class SeedContext:
    scale: int = 1
    seed: int = 2026
    quiet: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def rng(self, name: str) -> random.Random:
        """A random generator of its own per seeder, so results do not depend on seeder order."""
        return random.Random(f"{self.seed}:{name}")

    def progress(self, iterable: Iterable, desc: str, total: int | None = None) -> Iterator:
        return iter(
            tqdm(iterable, desc=desc, total=total, unit=" Zeilen", file=sys.stderr, disable=self.quiet, leave=False)
        )

    def count(self, label: str, n: int) -> None:
        self.rows[label] = self.rows.get(label, 0) + n

    def bulk(self, model, objs: list, label: str, chunk: int = 5000) -> int:
        """Insert in chunks, skipping rows that exist already (natural keys); counts new rows."""
        before = model._default_manager.count()
        with tqdm(total=len(objs), desc=label, unit=" Zeilen", file=sys.stderr, disable=self.quiet, leave=False) as bar:
            for part in chunked(objs, chunk):
                model._default_manager.bulk_create(part, ignore_conflicts=True)
                bar.update(len(part))
        written = model._default_manager.count() - before
        self.count(label, written)
        return written

    def analyze(self) -> None:
        """Refresh the planner's statistics after bulk inserts: inside one transaction (the benchmarks
        seed in a rolled-back test) autovacuum never sees the new rows, and at 10× scale the next
        seeder's anti-joins then run as nested loops over hundreds of thousands of rows."""
        # Only the project's tables: a bare ANALYZE also takes the shared catalogs (pg_database,
        # pg_authid …) and so waits for every other database's open ANALYZE – parallel test workers
        # seeding at once queued behind each other.
        tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def chunked(items: list, size: int = 5000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
