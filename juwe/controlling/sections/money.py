"""Placeholder: filled by the money part of the controlling issue."""

from juwe.controlling.figures import Section


def compute(ctx) -> Section:
    return Section(subject="money", title="money")
