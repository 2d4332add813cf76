"""Case conferences (Fallbesprechung im Regionalteam): agenda, guided record, proposals, consensus/veto.

Services (writes in one transaction, German messages), selectors and access scopes of this part of
the case file. `register()` is called from CasesConfig.ready for navigation and worklist entries.
"""

from __future__ import annotations


def register() -> None:
    """Register this part's navigation and worklist entries."""
