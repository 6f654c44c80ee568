"""What every kind's computation shares: the work in progress (its scope, progress reporter and timers) and the
unsaved outcome the runs service stores."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from analytics import loaders
from analytics.algorithms import AnalyticsInputError
from analytics.models import Run

BATCH = 2000


@dataclass
class Outcome:
    """A computed run, not yet stored: `save(run)` writes its rows (inside the caller's transaction) and returns how
    many results it wrote."""

    as_of: datetime
    rows_read: int
    subjects: int
    save: Callable[[Run], int]
    load_seconds: float = 0.0
    compute_seconds: float = 0.0


@dataclass
class Work:
    """One run being computed: its scope, a progress reporter and the time spent reading and computing."""

    run: Run
    report: Callable[[str, int], None]
    scope: loaders.Scope = field(init=False)
    load_seconds: float = 0.0
    compute_seconds: float = 0.0

    def __post_init__(self) -> None:
        self.scope = loaders.scope_of(self.run)

    @contextmanager
    def loading(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.load_seconds += time.perf_counter() - started

    @contextmanager
    def computing(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.compute_seconds += time.perf_counter() - started

    def outcome(self, *, as_of: datetime, rows_read: int, subjects: int, save: Callable[[Run], int]) -> Outcome:
        return Outcome(
            as_of=as_of,
            rows_read=int(rows_read),
            subjects=int(subjects),
            save=save,
            load_seconds=self.load_seconds,
            compute_seconds=self.compute_seconds,
        )

    def order_as_of(self) -> datetime:
        """The data's as-of time for order data: the end of `until`, else of the day of the latest matching order;
        the scope then ends there."""
        as_of = self.scope.end or loaders.order_data_end(self.scope)
        if as_of is None:
            raise AnalyticsInputError(_("No sales orders match the run's filters."))
        self.scope = self.scope.with_end(as_of)
        return as_of


def bulk_insert(model: type, rows: list) -> int:
    model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def finite(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


def money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2)))
