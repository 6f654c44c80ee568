"""The customer page's timeline: the interactions logged with a customer, and what other apps add to it (sales adds
its opportunities opened, won and lost, and its orders), newest first, one page at a time.

An app registers a `TimelineSource` in its `AppConfig.ready()`: a function giving the rows of a customer that a user
may see (a queryset newest first, or None when the user may see none of them), the field holding each row's time,
and the template showing one row. The customers app never imports the apps that add to it.

A page of the merged timeline reads, from each source, the newest `page × per_page + 1` rows: whole rows for the
first pages (one query per source), only their times and ids deeper down, then the rows of the page (one query per
source that has any), so a deep page never loads hundreds of rows with their related records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from customers.models import Customer

# Up to this many rows per source, a page reads whole rows at once; past it, times and ids first.
WHOLE_ROWS_UP_TO = 61


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    rows: Callable[[Customer, AbstractBaseUser], QuerySet | None]
    time_field: str
    template: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    when: datetime
    item: Any
    template: str


_sources: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> None:
    """Add a source to every customer's timeline (called from an app's AppConfig.ready(); idempotent by kind)."""
    if not any(existing.kind == source.kind for existing in _sources):
        _sources.append(source)


def timeline_sources() -> list[TimelineSource]:
    return list(_sources)


def timeline_page(
    *,
    customer: Customer,
    user: AbstractBaseUser,
    sources: list[TimelineSource],
    page: int,
    per_page: int,
) -> tuple[list[TimelineEntry], int, bool]:
    """One page of the merged timeline of `sources`, newest first (at the same time, the first source's rows
    first, then the newest id): the entries, the page number shown (a page past the end shows the last one) and
    whether older entries exist."""
    readable = [(source, rows) for source in sources if (rows := source.rows(customer, user)) is not None]
    page = min(max(page, 1), 100_000)

    def read(page: int) -> tuple[list[TimelineEntry], bool]:
        wanted = page * per_page + 1
        whole = wanted <= WHOLE_ROWS_UP_TO
        # (time, -source index, id) orders the merge; the last item is the row, or its id until it is read.
        keyed: list[tuple[datetime, int, Any, Any]] = []
        for index, (source, rows) in enumerate(readable):
            if whole:
                keyed.extend((getattr(row, source.time_field), -index, row.pk, row) for row in rows[:wanted])
            else:
                keyed.extend((when, -index, pk, pk) for when, pk in rows.values_list(source.time_field, "pk")[:wanted])
        keyed.sort(key=lambda entry: entry[:3], reverse=True)
        chosen = keyed[(page - 1) * per_page : page * per_page + 1]
        if not whole:
            loaded: dict[tuple[int, Any], Any] = {}
            for index, (_source, rows) in enumerate(readable):
                pks = [pk for _when, minus_index, pk, _item in chosen if -minus_index == index]
                if pks:
                    loaded.update(((-index, row.pk), row) for row in rows.filter(pk__in=pks))
            chosen = [(when, i, pk, loaded[(i, pk)]) for when, i, pk, _item in chosen if (i, pk) in loaded]
        entries = [
            TimelineEntry(kind=readable[-i][0].kind, when=when, item=row, template=readable[-i][0].template)
            for when, i, _pk, row in chosen
        ]
        return entries[:per_page], len(entries) > per_page

    entries, has_older = read(page)
    if not entries and page > 1:
        total = sum(rows.count() for _source, rows in readable)
        page = max(1, -(-total // per_page))
        entries, has_older = read(page)
    return entries, page, has_older
