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

    def __init__(self, *args, cap: int | None = None, count_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or settings.CUSTOMER_LIST_COUNT_CAP
        # The same rows written in a form cheaper to count, when the caller has one.
        self.count_queryset = count_queryset

    @cached_property
    def counted(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1): reads at most cap + 1 index entries. Only the
        # key is selected, so annotations meant for the displayed rows are not computed for every counted row.
        rows = self.object_list if self.count_queryset is None else self.count_queryset
        # Unordered: which cap + 1 rows are counted does not matter, so the database may read any index.
        return rows.values("pk").order_by()[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        """Rows the list offers: all of them, or the first `cap` when there are more."""
        return min(self.counted, self.cap)
