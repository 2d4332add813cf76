"""Placeholder: filled by the cases part of the controlling issue."""

from juwe.controlling.figures import Section


def compute(ctx) -> Section:
    return Section(subject="cases", title="cases")
