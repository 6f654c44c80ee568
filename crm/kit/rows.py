"""Rows in an order no index holds, read in pieces that indexes do hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import IntegerField, QuerySet, Value


def ordered_compound_supported() -> bool:
    """Whether the database orders and limits each part of a UNION (MariaDB, MySQL, PostgreSQL; not SQLite)."""
    return connection.features.supports_slicing_ordering_in_compound


def _plain_order(queryset: QuerySet) -> list[str] | None:
    """The queryset's ORDER BY (its model's ordering when it has none) as field names ("-" for descending, the
    primary key as "pk"); None when it has none or orders by an expression."""
    query = queryset.query
    terms = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not terms or not all(isinstance(term, str) for term in terms):
        return None
    return ["-pk" if term == "-id" else "pk" if term == "id" else term for term in terms]


def merged_keys(parts: list[QuerySet], order: list[str], start: int, stop: int) -> list:
    """Keys [start:stop] of the rows of `parts` (querysets of one model, each annotated with a `part_position`) in
    the order of the position, then `order`: one UNION ALL in which each part reads its first `stop` keys from the
    index that gives its order, and the database merges them (the outer ORDER BY ... LIMIT). No part is read or
    counted whole."""
    if not parts:
        return []
    columns = ["pk", *(term.lstrip("-") for term in order if term.lstrip("-") != "pk")]
    selected = [part.values_list(*columns, "part_position").order_by(*order)[:stop] for part in parts]
    merged = selected[0].union(*selected[1:], all=True) if len(selected) > 1 else selected[0]
    return [row[0] for row in merged.order_by("part_position", *order)[start:stop]]


def _rows_by_key(queryset: QuerySet, keys: list) -> list:
    found = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return [found[key] for key in keys if key in found]


def _positioned(queryset: QuerySet, position: int) -> QuerySet:
    return queryset.annotate(part_position=Value(position, output_field=IntegerField()))


class MergedRows:
    """The rows of `queryset` in its own order, read as the merge of one part per value of `field` (the owners a
    manager reaches), each part from an index that starts with that field and gives the order.

    For a list whose rows belong to several owners: MariaDB, asked for the first 25 of one manager's team's
    opportunities of a stage in close order, walked the close-date index of everyone's opportunities through every
    closed one (0.5 s at 200,000), where each member's first 25 come in order from (owner, deletion, stage, close).
    A slice reads its keys in one UNION ALL of the parts (merged_keys), then those rows. Supports what the list
    and the export use: slicing, iteration (`iterator`, in the queryset's order), `model`, and `count()`.
    """

    def __init__(self, queryset: QuerySet, *, field: str, values: Sequence[Any]):
        self.queryset = queryset
        self.model = queryset.model
        self.field = field
        self.values = list(values)

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MergedRows supports plain slices only.")
        start, stop = index.start or 0, index.stop
        order = _plain_order(self.queryset)
        if stop is None or order is None or not ordered_compound_supported():
            return list(self.queryset[start:stop])
        parts = [_positioned(self.queryset.filter(**{self.field: value}), 0) for value in self.values]
        return _rows_by_key(self.queryset, merged_keys(parts, order, start, stop))

    def iterator(self, chunk_size: int = 2000) -> Iterator:
        return self.queryset.iterator(chunk_size=chunk_size)

    def __iter__(self) -> Iterator:
        return self.iterator()

    def count(self) -> int:
        return self.queryset.count()

    def none(self) -> QuerySet:
        return self.queryset.none()


class GroupedRows:
    """The rows of `queryset` grouped by `field` in the order of `values`, each group in the queryset's own order.

    For a sort by a column with few values whose order the database does not know, such as customers by their
    owner's name: sorting a million rows by a computed rank reads and sorts them all, while each owner's rows
    come from an index such as (owner, deletion, name) already in order. A slice reads the groups it spans:
    one query when the page lies inside one group, plus one capped count for each group it skips or starts in. Supports what
    the list and the export use: slicing, iteration (`iterator`), `model`, and `count()` (rarely: it counts
    every group).
    """

    def __init__(
        self,
        queryset: QuerySet,
        *,
        field: str,
        values: Sequence[Any],
        keys_first: bool = False,
        merge: tuple[str, Sequence[Any]] | None = None,
    ):
        self.queryset = queryset
        self.model = queryset.model
        self.field = field
        self.values = list(values)
        # Read the slice's keys first, then those rows (see ListPageView.keys_first); where the database orders the
        # parts of a UNION, the keys of every group at once, each group read as the merge of its rows per value of
        # `merge` (field, values), as MergedRows reads them.
        self.keys_first = keys_first
        self.merge = merge

    def group(self, value: Any) -> QuerySet:
        return self.queryset.filter(**{self.field: value})

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("GroupedRows supports plain slices only.")
        order = _plain_order(self.queryset)
        if self.keys_first and index.stop is not None and order is not None and ordered_compound_supported():
            return self._keys_first(order, index.start or 0, index.stop)
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
        return _rows_by_key(self.queryset, list(group.values_list("pk", flat=True)[start:stop]))

    def _keys_first(self, order: list[str], start: int, stop: int) -> list:
        """Rows [start:stop] in two queries however many groups they span: the first `stop` keys of every group (or
        of every part of each group) at once, ordered by group, then as within a group (merged_keys), then those
        rows. No group is counted or read whole."""
        parts = []
        for position, value in enumerate(self.values):
            group = self.group(value)
            if self.merge is None:
                parts.append(_positioned(group, position))
            else:
                field, values = self.merge
                parts.extend(_positioned(group.filter(**{field: each}), position) for each in values)
        return _rows_by_key(self.queryset, merged_keys(parts, order, start, stop))

    def iterator(self, chunk_size: int = 2000) -> Iterator:
        for value in self.values:
            yield from self.group(value).iterator(chunk_size=chunk_size)

    def __iter__(self) -> Iterator:
        return self.iterator()

    def count(self) -> int:
        return sum(self.group(value).order_by().count() for value in self.values)

    def none(self) -> QuerySet:
        return self.queryset.none()
