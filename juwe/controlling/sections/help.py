"""Placeholder: filled by the help part of the controlling issue."""

from juwe.controlling.figures import Section


def compute(ctx) -> Section:
    return Section(subject="help", title="help")
