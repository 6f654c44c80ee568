"""CSV exports: one column declaration (header, value) per export, cells a spreadsheet cannot run as formulas."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Only the characters of a number or a phone number: a cell written with these is data, never a formula, so
# "-12.5" and "+44 20 7946 0001" are exported as they are.
_NUMBER_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """The text of a cell, with a leading apostrophe when a spreadsheet would read it as a formula (CSV
    injection: a customer named '=HYPERLINK(...)' must not run in whoever opens the export)."""
    if value is None:
        text = ""
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

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        for name in self.value.split("."):
            row = getattr(row, name) if row is not None else None
        return row


def export_columns(columns: Iterable[ExportColumn | tuple[str, str | Callable[[Any], Any]]]) -> list[ExportColumn]:
    """Columns declared as ExportColumn or as (label, value) pairs."""
    return [c if isinstance(c, ExportColumn) else ExportColumn(*c) for c in columns]


class _Echo:
    """A file that hands back what is written to it, so csv.writer produces lines to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Any], columns: Sequence[ExportColumn]) -> Iterator[str]:
    """A byte-order mark (spreadsheet programs then read UTF-8, e.g. Chinese names, correctly), the header, then
    one line per row, produced as the rows are read."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([str(column.label) for column in columns])
    for row in rows:
        yield writer.writerow([csv_safe(column.read(row)) for column in columns])
