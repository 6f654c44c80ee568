"""Field history with many-to-many values: one entry per save.

simple-history writes an entry when a row is saved and another each time one of its `m2m_fields` changes, so a
service that saves a customer and then sets its tags wrote two entries for one change (the second one naming
only the tags). Models with `m2m_fields` use `HistoricalRecords` from here, and their services wrap the save and
the many-to-many writes in `one_history_entry(instance)`: the block writes one entry when it ends, holding the
row's values and its many-to-many values as they are then ("+" if the block created the row, "~" otherwise).
Outside such a block everything records as simple-history does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.models import Model
from simple_history import models as simple_history

_PENDING = "_history_pending"


def _pending(instance: Model) -> dict[str, Any] | None:
    """The entry `instance` is holding back, or None when it records as usual (also when history is off)."""
    if hasattr(instance, "skip_history_when_saving"):
        return None
    return getattr(instance, _PENDING, None)


class HistoricalRecords(simple_history.HistoricalRecords):
    """simple-history's HistoricalRecords, holding back entries for instances inside `one_history_entry`."""

    def post_save(self, instance: Model, created: bool, using: str | None = None, **kwargs: Any) -> None:
        pending = _pending(instance)
        if pending is None or kwargs.get("raw", False):
            return super().post_save(instance, created, using=using, **kwargs)
        pending["records"] = self
        pending["using"] = using
        if created or "type" not in pending:
            pending["type"] = "+" if created else "~"

    def m2m_changed(self, instance: Model, action: str, attr: str, pk_set, reverse: bool, **kwargs: Any) -> None:
        pending = _pending(instance)
        if pending is None:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action in ("post_add", "post_remove", "post_clear"):
            pending["records"] = self
            pending.setdefault("type", "~")


@contextmanager
def one_history_entry(instance: Model) -> Iterator[None]:
    """Saves of `instance` and changes to its many-to-many fields inside the block make one history entry, written
    when the block ends without an error (run it inside the transaction that makes the changes)."""
    if getattr(instance, _PENDING, None) is not None:  # already inside one: the outer block writes the entry
        yield
        return
    pending: dict[str, Any] = {}
    setattr(instance, _PENDING, pending)
    try:
        yield
    finally:
        delattr(instance, _PENDING)
    if "records" in pending and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        pending["records"].create_historical_record(instance, pending["type"], using=pending.get("using"))
