"""Pagination that stays fast on very large tables."""

from math import ceil

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property

# Page numbers past this are read as this: OFFSET stays far inside what the databases accept.
MAX_PAGE = 1_000_000


class CappedPage(Page):
    """A page that knows whether a next one exists from the rows it read (one more than it shows), so a list
    longer than its counted cap can be paged to its end."""

    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def next_page_number(self) -> int:
        if not self._has_next:
            raise EmptyPage("That page contains no results")
        return self.number + 1

    def previous_page_number(self) -> int:
        if self.number <= 1:
            raise EmptyPage("That page number is less than 1")
        return self.number - 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedPaginator(Paginator):
    """A paginator whose count stops at CUSTOMER_LIST_COUNT_CAP, while every row stays reachable by paging.

    Counting a million rows exactly costs more than showing the page; past the cap the page says "more than N"
    and "Page 41" (without "of …"). Each page reads one row more than it shows to know whether a next page
    exists, so paging goes on past the cap to the last row without counting them all. Pages are read by OFFSET:
    page numbers stay in the URL, every sort the list offers pages the same way (a nullable column, an owner's
    name), and a page deeper than `deferred_from` rows first reads only the keys of its rows (an index-only
    scan, as the sort indexes hold the primary key) and then those rows, so the skipped rows are never read
    whole. A page past the end of a capped list is the only time the rows are counted in full.
    """

    def __init__(self, *args, cap: int | None = None, count_queryset=None, deferred_from: int = 1_000, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or settings.CUSTOMER_LIST_COUNT_CAP
        # The same rows written in a form cheaper to count, when the caller has one.
        self.count_queryset = count_queryset
        self.deferred_from = deferred_from

    @property
    def _count_rows(self):
        return self.object_list if self.count_queryset is None else self.count_queryset

    @cached_property
    def counted(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1): reads at most cap + 1 index entries. Only the
        # key is selected, so annotations meant for the displayed rows are not computed for every counted row.
        # Unordered: which cap + 1 rows are counted does not matter, so the database may read any index.
        return self._count_rows.values("pk").order_by()[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        """Rows the list says it has: all of them, or `cap` when there are more (see `is_capped`)."""
        return min(self.counted, self.cap)

    def _read(self, bottom: int, top: int) -> list:
        """Rows [bottom:top] of the list, in order."""
        rows = self.object_list
        if bottom < self.deferred_from or not hasattr(rows, "values_list"):
            return list(rows[bottom:top])
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.order_by().filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]

    def page(self, number) -> Page:
        """A page of a list that is not capped: as Django reads it, except from `deferred_from` rows on, where its
        keys are read first (see `_read`). A list may ask for that from its first row (deferred_from=0) when the
        database chooses a better plan for the keys alone than for whole rows (sales.views)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.deferred_from:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._read(bottom, top), number, self)

    def get_page(self, number) -> Page:
        """The page `number` (1 for anything that is not a page number). Past the end: the last page."""
        try:
            number = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            number = 1
        if not self.is_capped:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows = self._read(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            number = max(1, ceil(self._count_rows.order_by().count() / self.per_page))
            bottom = (number - 1) * self.per_page
            rows = self._read(bottom, bottom + self.per_page + 1)
        return CappedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)
