"""Pagination that stays fast on very large tables."""

from math import ceil

from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.db import DatabaseError, connections
from django.db.models import prefetch_related_objects
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
    whole; a list may ask for that from its first row (deferred_from=0, ListPageView.keys_first) when the database
    plans the keys alone better than whole rows. A page past the end of a capped list is the only time the rows
    are counted in full.

    A caller may also give `scan_queryset`: the same rows in the same order, written so that the database can
    walk the sort index and check each row (a search by LIKE instead of through a full-text index). A page is
    then first read that way within a budget of examined rows (MariaDB's LIMIT … ROWS EXAMINED), which finds a
    page of a common word within a few thousand rows; when the budget runs out first, the page is read from
    `object_list`.
    """

    def __init__(
        self,
        *args,
        cap: int | None = None,
        count_queryset=None,
        scan_queryset=None,
        deferred_from: int = 1_000,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.cap = cap or settings.CUSTOMER_LIST_COUNT_CAP
        # The same rows written in a form cheaper to count, when the caller has one.
        self.count_queryset = count_queryset
        self.scan_queryset = scan_queryset
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
        if self.scan_queryset is not None:
            scanned = scan_rows(self.scan_queryset, bottom, top, budget=settings.CRM_LIST_SCAN_ROWS)
            if scanned is not None:
                return scanned
        rows = self.object_list
        if bottom < self.deferred_from or not hasattr(rows, "values_list"):
            return list(rows[bottom:top])
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.order_by().filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]

    def get_page(self, number) -> Page:
        """The page `number` (1 for anything that is not a page number). Past the end: the last page."""
        try:
            number = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            number = 1
        if not self.is_capped:
            try:
                number = self.validate_number(number)
            except InvalidPage:
                number = self.num_pages
            bottom = (number - 1) * self.per_page
            return Page(self._read(bottom, bottom + self.per_page), number, self)
        bottom = (number - 1) * self.per_page
        rows = self._read(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            number = max(1, ceil(self._count_rows.order_by().count() / self.per_page))
            bottom = (number - 1) * self.per_page
            rows = self._read(bottom, bottom + self.per_page + 1)
        return CappedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


def scan_rows(queryset, bottom: int, top: int, *, budget: int) -> list | None:
    """Rows [bottom:top] of `queryset`, read on MariaDB with LIMIT … ROWS EXAMINED `budget`: the rows, when the
    database found them all (or reached the end of the rows) within the budget; None when it stopped first, on
    other databases, or when the page lies deeper than the budget could reach."""
    connection = connections[queryset.db]
    if connection.vendor != "mysql" or not connection.mysql_is_mariadb or top > budget:
        return None
    sliced = queryset[bottom:top]
    sql, params = sliced.query.get_compiler(using=queryset.db).as_sql()
    manager = queryset.model._default_manager.db_manager(queryset.db)
    try:
        rows = list(manager.raw(f"{sql} ROWS EXAMINED {int(budget)}", params))
    except DatabaseError:
        # "Sort aborted": the database chose to sort the rows rather than walk an index, and stopped at the budget.
        return None
    # MariaDB warns (ER_QUERY_EXCEEDED_ROWS_EXAMINED_LIMIT) when it stopped at the budget: then the rows found are
    # only the first matches of the rows it read, and the page must be read in full.
    if len(rows) < top - bottom and connection.connection.warning_count():
        return None
    if queryset._prefetch_related_lookups:
        prefetch_related_objects(rows, *queryset._prefetch_related_lookups)
    return rows
