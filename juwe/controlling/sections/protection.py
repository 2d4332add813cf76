"""Placeholder: filled by the protection part of the controlling issue."""

from juwe.controlling.figures import Section


def compute(ctx) -> Section:
    return Section(subject="protection", title="protection")
