"""The permission behind the "Steuerung" menu entry: any role with at least one section."""

import rules

from juwe.controlling.scope import subjects_for


@rules.predicate
def has_controlling(user) -> bool:
    return bool(subjects_for(user))


rules.add_perm("juwe.view_controlling", has_controlling)
