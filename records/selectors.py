"""Reads for the recycle bin and audit log pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from accounts.reach import DOMAINS, owner_ids
from accounts.roles import is_administrator
from crm.timezones import day_start
from records.models import AuditEntry, Deletion

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def deletion_scope(*, user: AbstractBaseUser) -> QuerySet[Deletion]:
    """Entries the user may see and restore: of records they could change before the delete (own, team's)."""
    entries = Deletion.objects.all()
    if is_administrator(user):
        return entries
    condition = Q(pk__in=[])
    for name in DOMAINS:
        owners = owner_ids(user, domain=name, write=True)
        condition |= Q(domain=name) if owners is None else Q(domain=name, owner_id__in=owners)
    return entries.filter(condition)


def deletion_list_for(*, user: AbstractBaseUser) -> QuerySet[Deletion]:
    """The user's recycle bin, newest first. People are prefetched, not joined: with a JOIN MySQL starts from the
    small users table and sorts every entry before the first page (49 ms at 10,000 entries; 2 ms without)."""
    return deletion_scope(user=user).prefetch_related("owner", "deleted_by")


def audit_list(
    *, action: str = "", actor: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries newest first, filtered; `since` and `until` are whole days in the current time zone."""
    entries = AuditEntry.objects.select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_label=actor)
    if since:
        entries = entries.filter(at__gte=day_start(since))
    if until:
        entries = entries.filter(at__lt=day_start(until + timedelta(days=1)))
    return entries


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    kind: str  # "+", "~" or "-", simple-history's history_type
    changes: list[FieldChange] = field(default_factory=list)
    # A change whose earlier state was never recorded (rows imported or seeded in bulk): what changed is unknown.
    unknown_before: bool = False


def _shown(model, name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def record_history(*, obj: Model, limit: int = 20) -> list[HistoryEntry]:
    """Recorded changes to any record with field history, newest first: who, when, each field's old and new
    value (related records shown by id). Reads `limit + 1` history rows in one query."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    names = [
        f
        for f in type(obj)._meta.concrete_fields
        if f.editable and f.name not in ("id", "created_at", "updated_at", "deletion")
    ]
    entries = []
    for index, record in enumerate(records[:limit]):
        entry = HistoryEntry(when=record.history_date, who=record.history_user, kind=record.history_type)
        previous = records[index + 1] if index + 1 < len(records) else None
        entry.unknown_before = record.history_type == "~" and previous is None
        if record.history_type == "~" and previous is not None:
            for model_field in names:
                old, new = getattr(previous, model_field.attname), getattr(record, model_field.attname)
                if old != new:
                    entry.changes.append(
                        FieldChange(
                            str(model_field.verbose_name),
                            _shown(type(obj), model_field.name, old),
                            _shown(type(obj), model_field.name, new),
                        )
                    )
        entries.append(entry)
    return entries
