"""What every sales import shares: counts per kind of record, bad rows with their line and reason, bulk writes in
batches, and the report an operator reads at the end of `manage.py import_*`.

The rules both importers follow: a second run of the same file creates nothing twice (each kind has a key:
agent name, account name, SKU, invoice number, opportunity id); known records are updated only where the file
says otherwise and are otherwise counted as skipped; a row that cannot be read is skipped with its line number and
why, never fatal; everything is written with bulk inserts from in-memory maps of the keys already there."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

BATCH = 5000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class BadRow:
    """A row left out: the file (empty for a one-file import), its line number (the header is line 1), why."""

    line: int
    reason: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.file else f"line {self.line}"
        return f"{where}: skipped, {self.reason}"


@dataclass
class ImportReport:
    """Counts per kind (in the order they are reported), the rows left out, and what the import read differently
    from what the file says (a misspelt sector, a product named two ways), each with how many rows it concerned."""

    kinds: tuple[str, ...] = ()
    counts: dict[str, Counts] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    quirks: list[str] = field(default_factory=list)
    rows: int = 0

    def __post_init__(self) -> None:
        for kind in self.kinds:
            self.counts.setdefault(kind, Counts())

    def __getitem__(self, kind: str) -> Counts:
        return self.counts[kind]

    def bad(self, line: int, reason: str, file: str = "") -> None:
        self.bad_rows.append(BadRow(line, reason, file))

    def problems(self) -> Iterator[str]:
        """Every bad row, then each quirk handled: what an operator reads first."""
        for row in self.bad_rows:
            yield str(row)
        for quirk in self.quirks:
            yield f"Note: {quirk}"

    def summary(self) -> Iterator[str]:
        """Created, updated and skipped of each kind, and how many rows were left out."""
        for kind in self.kinds:
            counts = self.counts[kind]
            label = kind.replace("_", " ").capitalize()
            yield f"{label}: {counts.created} created, {counts.updated} updated, {counts.skipped} skipped."
        yield f"Bad lines: {len(self.bad_rows)}."


def batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def created_pks(model, objects: list, *, key: str, since_pk: int) -> None:
    """Fill in the pks of bulk-created rows on a database that does not return them (read back by the unique
    `key`). MariaDB 10.5+, PostgreSQL and SQLite return them from the INSERT, so this reads nothing there."""
    if not objects or objects[0].pk is not None:
        return
    by_key = dict(model._base_manager.filter(pk__gt=since_pk).values_list(key, "pk"))
    for obj in objects:
        obj.pk = by_key[getattr(obj, key)]
