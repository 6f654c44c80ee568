"""Setting monthly quotas: a manager for the members of their teams, an administrator for anyone, from the quotas
page and the admin alike. A month's quotas are saved together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sales.models import Quota
from sales.selectors.quotas import quota_reps_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class QuotaInput:
    """One salesperson's quota for the month: `amount` None means none. `expected_version` is the version the
    page showed (0 when there was none), None to skip the check."""

    rep_id: int
    amount: Decimal | None
    currency: str = ""
    expected_version: int | None = None


def _label(quota_or_user) -> str:
    user = getattr(quota_or_user, "rep", quota_or_user)
    return user.get_full_name() or user.username


@transaction.atomic
def quotas_set(*, by: AbstractBaseUser, month: date, rows: list[QuotaInput]) -> int:
    """Set the quotas of `month` (any day of it) for the salespeople in `rows`, in one transaction; returns how many
    changed. Each salesperson must be one whose quotas `by` sets (PermissionDenied otherwise, nothing saved); a
    quota someone else changed since the page showed it (its version) refuses the whole month (ValidationError,
    nothing saved). A row with no amount removes that salesperson's quota for the month."""
    if not by.has_perm("sales.change_quota"):
        raise PermissionDenied(_("Only managers and administrators set quotas."))
    month = month.replace(day=1)
    rep_ids = [row.rep_id for row in rows]
    if len(set(rep_ids)) != len(rep_ids):
        raise ValidationError(_("Each salesperson may have one quota a month."), code="duplicate")
    allowed = quota_reps_for(user=by).filter(pk__in=rep_ids)
    people = {person.pk: person for person in allowed}
    outside = sorted(set(rep_ids) - set(people))
    if outside:
        raise PermissionDenied(f"Users {outside} are not salespeople whose quotas {by} sets.")
    current = {
        quota.rep_id: quota
        for quota in Quota.objects.select_for_update().select_related("rep").filter(month=month, rep_id__in=rep_ids)
    }
    stale = [
        people[row.rep_id]
        for row in rows
        if row.expected_version is not None
        and row.expected_version != (current[row.rep_id].version if row.rep_id in current else 0)
    ]
    if stale:
        raise ValidationError(
            _(
                "Someone else changed the quotas of %(names)s for this month after you opened the page. Reload it to "
                "see their values, then save yours again."
            )
            % {"names": ", ".join(_label(person) for person in stale)},
            code="stale",
        )
    changed = 0
    for row in rows:
        quota = current.get(row.rep_id)
        currency = (row.currency or "").strip().upper()
        if row.amount is None:
            if quota is not None:
                quota._history_user = by
                quota.delete()
                changed += 1
            continue
        if quota is None:
            quota = Quota(rep_id=row.rep_id, month=month)
            if currency:
                quota.currency = currency
        elif quota.amount == row.amount and (not currency or quota.currency == currency):
            continue
        else:
            quota.version += 1
            quota.currency = currency or quota.currency
        quota.amount, quota.set_by = row.amount, by
        quota.full_clean()
        quota._history_user = by
        quota.save()
        changed += 1
    return changed
