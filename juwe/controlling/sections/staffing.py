"""Placeholder: filled by the staffing part of the controlling issue."""

from juwe.controlling.figures import Section


def compute(ctx) -> Section:
    return Section(subject="staffing", title="staffing")
