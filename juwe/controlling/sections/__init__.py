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
    return import_module(MODULES[subject]).compute(ctx)
