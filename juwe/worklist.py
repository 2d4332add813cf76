"""The home page of every role is a worklist: what needs doing today.

Each app registers its sections (due reviews, pending approvals, open § 8a assessments ...)
with `register`. A section declares the permission it needs and a function returning its rows
for the user – already scoped through the access policy – and a template to show them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    perm: str
    rows: Callable[[object], list]
    template: str
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.key] = section


def sections_for(user) -> list[dict]:
    result = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        if user.has_perm(section.perm):
            result.append({"section": section, "rows": section.rows(user)})
    return result
