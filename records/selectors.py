"""Reads for the recycle bin and audit log pages."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.reach import DOMAINS, owner_ids
from accounts.roles import is_administrator
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
    return deletion_scope(user=user).select_related("content_type", "owner", "deleted_by")


def _day_start(day: date) -> datetime:
    # A range on the stored instant, not a __date lookup: that needs MySQL's time zone tables.
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_list(*, action: str = "", actor: str = "", since: date | None = None, until: date | None = None
               ) -> QuerySet[AuditEntry]:
    """Audit entries newest first, filtered; `since` and `until` are whole days in the current time zone."""
    entries = AuditEntry.objects.select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_label=actor)
    if since:
        entries = entries.filter(at__gte=_day_start(since))
    if until:
        entries = entries.filter(at__lt=_day_start(until + timedelta(days=1)))
    return entries
