"""Rows in an order no index holds, read in pieces that indexes do hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet


class GroupedRows:
    """The rows of `queryset` grouped by `field` in the order of `values`, each group in the queryset's own order.

    For a sort by a column with few values whose order the database does not know, such as customers by their
    owner's name: sorting a million rows by a computed rank reads and sorts them all, while each owner's rows
    come from an index such as (owner, deletion, name) already in order. A slice reads the groups it spans:
    one query when the page lies inside one group, plus one capped count for each group it skips or starts in. Supports what
    the list and the export use: slicing, iteration (`iterator`), `model`, and `count()` (rarely: it counts
    every group).
    """

    def __init__(self, queryset: QuerySet, *, field: str, values: Sequence[Any]):
        self.queryset = queryset
        self.model = queryset.model
        self.field = field
        self.values = list(values)

    def group(self, value: Any) -> QuerySet:
        return self.queryset.filter(**{self.field: value})

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("GroupedRows supports plain slices only.")
        offset, stop = index.start or 0, index.stop
        rows: list = []
        for value in self.values:
            need = None if stop is None else stop - (index.start or 0) - len(rows)
            if need is not None and need <= 0:
                break
            group = self.group(value)
            if offset:
                # Does the slice start in this group? Counted index-only, and no further than the rows to skip.
                size = group.values("pk").order_by()[: offset + 1].count()
                if size <= offset:
                    offset -= size
                    continue
            rows.extend(group[offset : None if need is None else offset + need])
            offset = 0
        return rows

    def iterator(self, chunk_size: int = 2000) -> Iterator:
        for value in self.values:
            yield from self.group(value).iterator(chunk_size=chunk_size)

    def __iter__(self) -> Iterator:
        return self.iterator()

    def count(self) -> int:
        return sum(self.group(value).order_by().count() for value in self.values)

    def none(self) -> QuerySet:
        return self.queryset.none()
