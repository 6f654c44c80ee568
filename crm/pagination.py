"""Pagination that stays fast on very large tables."""
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator whose count stops at CUSTOMER_LIST_COUNT_CAP.

    Counting a million rows exactly costs more than showing the page; past the cap the page says
    "more than N" and offers the first N rows, which is what a person pages through anyway (they narrow
    the search rather than open page 40,000).
    """

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or settings.CUSTOMER_LIST_COUNT_CAP

    @cached_property
    def counted(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1): reads at most cap + 1 index entries. Only the
        # key is selected, so annotations meant for the displayed rows are not computed for every counted row.
        return self.object_list.values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        """Rows the list offers: all of them, or the first `cap` when there are more."""
        return min(self.counted, self.cap)
