"""What an app keeps in step when the recycle bin moves its rows.

The recycle bin moves rows with queryset updates and deletes, which run no model code. An app whose data is
derived from such rows (a customer's "last contacted" from its interactions) registers a callback in its
`AppConfig.ready()`: the bin then reads `field` of the rows of `model` it is about to take, give back or purge,
and after the change calls `callback(values)` with those values, inside the same transaction. The records app
never imports the apps it serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class BinWatch:
    model: type[Model]
    field: str
    callback: Callable[[set], None]


_watches: list[BinWatch] = []


def watch_bin(model: type[Model], *, field: str, callback: Callable[[set], None]) -> None:
    """Call `callback(values of field)` after the recycle bin takes, restores or purges rows of `model`."""
    if not any(w.model is model and w.field == field and w.callback is callback for w in _watches):
        _watches.append(BinWatch(model, field, callback))


def bin_affected(rows: Iterable[QuerySet]) -> list[tuple[BinWatch, set]]:
    """Before a change: for each watch, the values of its field among `rows` (querysets of any models)."""
    pending = []
    for queryset in rows:
        for watch in _watches:
            if issubclass(queryset.model, watch.model):
                values = set(queryset.order_by().values_list(watch.field, flat=True).distinct())
                if values:
                    pending.append((watch, values))
    return pending


def bin_changed(pending: list[tuple[BinWatch, set]]) -> None:
    """After the change: call each watch's callback once with every value collected for it."""
    merged: dict[BinWatch, set] = {}
    for watch, values in pending:
        merged.setdefault(watch, set()).update(values)
    for watch, values in merged.items():
        watch.callback(values)
