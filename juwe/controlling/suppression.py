"""Small-number suppression for the committee report and exports meant for publication.

Official statistics do not publish cells under 5 cases: with a district's handful of children a
figure of 2 can name a family. A figure counting fewer than 5 (a COUNT whose value is 1–4, or a
share, mean or amount taken over 1–4 cases – its `base`) is shown as "< 5". A table that ends
in a total row would let a reader get a lone suppressed cell back (total minus the others), so in
each column where exactly one cell is suppressed the next smallest cell is suppressed too
("x", secondary suppression). Zero is published: "none" names nobody.

Pure functions over the figure types: they return copies and never touch the sections' originals
(the screen shows exact figures within the viewer's own scope).
"""

from __future__ import annotations

import copy
from dataclasses import replace

from juwe.controlling.figures import Chart, Figure, Section, Table

THRESHOLD = 5
SUPPRESSED = "< 5"  # primary: the cell counts 1–4 cases
SECONDARY = "x"  # secondary: hidden so that the total does not give a "< 5" cell away


def is_suppressed(value) -> bool:
    return value in (SUPPRESSED, SECONDARY)


def is_small(fig: Figure) -> bool:
    """Does the figure rest on 1–4 cases? (For COUNT the base is the value itself.)"""
    base = fig.base
    if base is None and fig.kind == "count" and isinstance(fig.value, int):
        base = fig.value
    return base is not None and 0 < base < THRESHOLD


def suppress_figure(fig: Figure) -> Figure:
    if is_suppressed(fig.value) or not is_small(fig):
        return replace(fig)
    return replace(fig, value=SUPPRESSED)


def _orderable(value) -> bool:
    return value is not None and not isinstance(value, str)


def suppress_table(table: Table) -> Table:
    """Primary suppression of every cell, then secondary suppression per column above a total row."""
    rows = [(label, [suppress_figure(cell) for cell in cells]) for label, cells in table.rows]
    if table.total_row and len(rows) > 1:
        body = rows[:-1]
        width = max((len(cells) for _, cells in body), default=0)
        for col in range(width):
            column = [cells[col] for _, cells in body if col < len(cells)]
            hidden = [cell for cell in column if is_suppressed(cell.value)]
            if len(hidden) != 1:
                continue
            candidates = [cell for cell in column if _orderable(cell.value)]
            if candidates:
                smallest = min(candidates, key=lambda cell: cell.value)
                smallest.value = SECONDARY
    return replace(table, rows=rows)


def suppress_chart(chart: Chart) -> Chart:
    """Counts of 1–4 in a chart are not drawn and read "< 5" in its table (a bar of 3 in a district
    says as much as a cell). Charts carry no base: whole numbers are taken as counts."""
    series = [
        (name, [SUPPRESSED if isinstance(v, int) and not isinstance(v, bool) and 0 < v < THRESHOLD else v
                for v in values])
        for name, values in chart.series
    ]
    return replace(chart, series=series)


def suppress_section(section: Section) -> Section:
    out = copy.copy(section)
    out.figures = [suppress_figure(fig) for fig in section.figures]
    out.tables = [suppress_table(table) for table in section.tables]
    out.charts = [suppress_chart(chart) for chart in section.charts]
    return out
