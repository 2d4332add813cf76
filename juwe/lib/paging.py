"""A paginator whose count stops at a cap, for searches over large tables.

Counting every match of a broad search costs time proportional to the table; people do not
page through thousands of hits, they refine the search. `CappedPaginator` counts at most
`cap + 1` rows (SELECT COUNT(*) FROM (… LIMIT cap + 1)) and tells the template whether the
cap was hit (`paginator.capped`), so the page can say "more than 1,000 – please refine".
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def _counted(self) -> int:
        """Up to cap + 1 rows: one more than the cap tells that there are more."""
        qs = self.object_list
        if hasattr(qs, "order_by"):
            return qs.order_by()[: self.cap + 1].count()
        return len(qs[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
