"""Placeholder: filled by the prevention part of the controlling issue."""

from juwe.controlling.figures import Section


def compute(ctx) -> Section:
    return Section(subject="prevention", title="prevention")
