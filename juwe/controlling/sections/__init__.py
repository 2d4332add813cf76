"""The dashboard's sections, in page order: subject -> module with `compute(ctx) -> Section`."""

from importlib import import_module

from juwe.controlling.scope import Subject

MODULES = {
    Subject.CASES: "juwe.controlling.sections.cases",
    Subject.HELP: "juwe.controlling.sections.help",
    Subject.MONEY: "juwe.controlling.sections.money",
    Subject.PREVENTION: "juwe.controlling.sections.prevention",
    Subject.PROTECTION: "juwe.controlling.sections.protection",
    Subject.STAFFING: "juwe.controlling.sections.staffing",
}


def compute(subject: str, ctx):
    """The section, from the summary table when it is fresh (juwe.controlling.snapshots)."""
    from juwe.controlling import snapshots

    return snapshots.cached(subject, ctx, import_module(MODULES[subject]).compute)


def compute_fresh(subject: str, ctx):
    """The section aggregated now, bypassing the summary table."""
    return import_module(MODULES[subject]).compute(ctx)


# The records behind the figures: a change of any of them empties the summary table.
SOURCE_APPS = ("cases", "networks", "microprojects", "budgets")
SOURCE_CORE_MODELS = ("District", "DistrictIndicator", "Team", "TeamPosts", "PrecarisationWeight")
