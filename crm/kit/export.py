"""CSV exports: one column declaration (header, value) per export, cells a spreadsheet cannot run as formulas, and
times in the reader's time zone, the header saying which."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from crm.timezones import localtime_or_utc

# Only the characters of a number or a phone number: a cell written with these is data, never a formula, so
# "-12.5" and "+44 20 7946 0001" are exported as they are.
_NUMBER_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any, zone: tzinfo | None = None) -> str:
    """The text of a cell, with a leading apostrophe when a spreadsheet would read it as a formula (CSV
    injection: a customer named '=HYPERLINK(...)' must not run in whoever opens the export). A stored time is
    written in ISO 8601 in `zone` (default: the active time zone), with its offset: 2026-03-01T17:30:00+08:00."""
    if value is None:
        text = ""
    elif isinstance(value, datetime) and timezone.is_aware(value):
        text = localtime_or_utc(value, zone).isoformat()
    elif isinstance(value, (datetime, date)):
        text = value.isoformat()
    else:
        text = str(value)
    if text[:1] in _FORMULA_STARTS and not _NUMBER_CHARS.match(text):
        return "'" + text
    return text


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: its header and how to read a row's value, either an attribute path
    ("country.code", "owner_username") or a function of the row."""

    label: str
    value: str | Callable[[Any], Any]
    # Whether the column holds a stored time; its header then names the time zone. Found from the model for
    # attribute paths (is_time_of), to be declared for functions.
    time: bool = False

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        for name in self.value.split("."):
            row = getattr(row, name) if row is not None else None
        return row


def is_time_of(model: type[models.Model], path: str) -> bool:
    """True when the attribute path ("created_at", "owner.last_login") reaches a DateTimeField of `model`."""
    names = path.split(".")
    for position, name in enumerate(names):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if position == len(names) - 1:
            return isinstance(field, models.DateTimeField)
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def export_columns(
    columns: Iterable[ExportColumn | tuple[str, str | Callable[[Any], Any]]], *, model: type[models.Model] | None = None
) -> list[ExportColumn]:
    """Columns declared as ExportColumn or as (label, value) pairs; with `model`, attribute paths that reach a
    DateTimeField are marked as times."""
    result = []
    for column in columns:
        column = column if isinstance(column, ExportColumn) else ExportColumn(*column)
        if model is not None and not column.time and isinstance(column.value, str) and is_time_of(model, column.value):
            column = ExportColumn(column.label, column.value, time=True)
        result.append(column)
    return result


class _Echo:
    """A file that hands back what is written to it, so csv.writer produces lines to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Any], columns: Sequence[ExportColumn], *, zone: tzinfo | None = None) -> Iterator[str]:
    """A byte-order mark (spreadsheet programs then read UTF-8, e.g. Chinese names, correctly), the header, then
    one line per row, produced as the rows are read. Times are written in `zone` (default: the time zone active
    now, not when the rows are streamed, which may be after the request's zone is gone), and the header of each
    time column names it: "Created (Asia/Shanghai)"."""
    zone = zone or timezone.get_current_timezone()
    zone_name = str(getattr(zone, "key", zone))
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([f"{column.label} ({zone_name})" if column.time else str(column.label) for column in columns])
    for row in rows:
        yield writer.writerow([csv_safe(column.read(row), zone) for column in columns])
