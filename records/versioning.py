"""Edits that never overwrite each other: every service that changes a versioned row goes through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _


@dataclass
class Change:
    field: str
    label: str
    then: str
    now: str
    yours: str = ""


class StaleVersionError(ValidationError):
    """The row changed since the caller read it. `current` is the row as it is now, `changes` what differs
    from the version the caller read (as far as history knows), `changed_by` who saved the current version."""

    def __init__(self, *, current: Model, expected: int, changes: list[Change], changed_by: Any = None):
        super().__init__(
            _(
                "Someone else changed this record after you opened it. Their changes are listed below; your "
                "values are still in the form. Save again to replace their changes with yours, or reload to start "
                "from the current values."
            ),
            code="stale",
        )
        self.current, self.expected, self.changes, self.changed_by = current, expected, changes, changed_by


def display_value(model: type[Model], name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        if related is not None and hasattr(related, "get_full_name"):
            return related.get_full_name() or related.get_username()
        return str(related) if related is not None else f"#{value}"
    return str(value.name if hasattr(value, "name") and name == "country" else value)


def _changes_since(current: Model, expected: int) -> tuple[list[Change], Any]:
    """Fields that differ between the version `expected` (from field history) and the current row."""
    history = getattr(type(current), "history", None)
    if history is None:
        return [], None
    records = {
        r.version: r
        for r in current.history.filter(version__in=[expected, current.version]).select_related("history_user")
    }
    then, now = records.get(expected), records.get(current.version)
    changed_by = now.history_user if now is not None else None
    if then is None:
        return [], changed_by
    changes = []
    for field in type(current)._meta.concrete_fields:
        if field.name in ("id", "version", "created_at", "updated_at", "deletion") or not field.editable:
            continue
        if not hasattr(then, field.attname):
            continue
        old, new = getattr(then, field.attname), getattr(current, field.attname)
        if old != new:
            changes.append(
                Change(
                    field.name,
                    str(field.verbose_name),
                    display_value(type(current), field.name, old),
                    display_value(type(current), field.name, new),
                )
            )
    return changes, changed_by


def version_claim(instance: Model, *, expected: int | None) -> Model:
    """Lock the row of `instance` and claim the next version for the caller's save (call inside a transaction).

    `expected` is the version the caller read (a form's hidden field, a task's loaded row); None skips the
    comparison (the caller holds no older copy) but still raises the version, so forms opened before this
    change notice it. Raises StaleVersionError when the row moved on. Returns the locked current row.
    """
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if expected is not None and current.version != expected:
        changes, changed_by = _changes_since(current, expected)
        raise StaleVersionError(current=current, expected=expected, changes=changes, changed_by=changed_by)
    instance.version = current.version + 1
    return current
