"""Demo data for cases.protection (called from cases/demo.py after the case files exist)."""

from __future__ import annotations

from juwe.lib.seeding import SeedContext


def seed(ctx: SeedContext) -> None:
    """Add this part's demo rows (idempotent, scaled by ctx.scale)."""
