"""Rows in an order no index holds, read in pieces that indexes do hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import IntegerField, QuerySet, Value


class GroupedRows:
    """The rows of `queryset` grouped by `field` in the order of `values`, each group in the queryset's own order.

    For a sort by a column with few values whose order the database does not know, such as customers by their
    owner's name: sorting a million rows by a computed rank reads and sorts them all, while each owner's rows
    come from an index such as (owner, deletion, name) already in order. A slice reads the groups it spans:
    one query when the page lies inside one group, plus one capped count for each group it skips or starts in. Supports what
    the list and the export use: slicing, iteration (`iterator`), `model`, and `count()` (rarely: it counts
    every group).
    """

    def __init__(self, queryset: QuerySet, *, field: str, values: Sequence[Any], keys_first: bool = False):
        self.queryset = queryset
        self.model = queryset.model
        self.field = field
        self.values = list(values)
        # Read a group's keys for the slice first, then those rows (see ListPageView.keys_first).
        self.keys_first = keys_first

    def group(self, value: Any) -> QuerySet:
        return self.queryset.filter(**{self.field: value})

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("GroupedRows supports plain slices only.")
        if (
            self.keys_first
            and index.stop is not None
            and connection.features.supports_slicing_ordering_in_compound
            and all(isinstance(term, str) for term in self.queryset.query.order_by)
        ):
            return self._keys_first(index.start or 0, index.stop)
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
            rows.extend(self._slice(group, offset, None if need is None else offset + need))
            offset = 0
        return rows

    def _slice(self, group: QuerySet, start: int, stop: int | None) -> list:
        if not self.keys_first:
            return list(group[start:stop])
        return self._rows(list(group.values_list("pk", flat=True)[start:stop]))

    def _rows(self, keys: list) -> list:
        found = {row.pk: row for row in self.queryset.order_by().filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]

    def _keys_first(self, start: int, stop: int) -> list:
        """Rows [start:stop] in two queries however many groups they span: the first `stop` keys of every group at
        once (a UNION ALL of each group's index read, ordered by group, then as within a group), then those rows.
        Each part reads at most `stop` index entries, so no group is counted or read whole."""
        # The group's own order (field names, "-" for descending), with the primary key as "pk" throughout.
        order = ["-pk" if term == "-id" else "pk" if term == "id" else term for term in self.queryset.query.order_by]
        columns = ["pk", *(term.lstrip("-") for term in order if term.lstrip("-") != "pk")]
        parts = [
            self.group(value)
            .annotate(group_position=Value(position, output_field=IntegerField()))
            .values_list(*columns, "group_position")[:stop]
            for position, value in enumerate(self.values)
        ]
        if not parts:
            return []
        merged = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        keys = [row[0] for row in merged.order_by("group_position", *order)[start:stop]]
        return self._rows(keys)

    def iterator(self, chunk_size: int = 2000) -> Iterator:
        for value in self.values:
            yield from self.group(value).iterator(chunk_size=chunk_size)

    def __iter__(self) -> Iterator:
        return self.iterator()

    def count(self) -> int:
        return sum(self.group(value).order_by().count() for value in self.values)

    def none(self) -> QuerySet:
        return self.queryset.none()
