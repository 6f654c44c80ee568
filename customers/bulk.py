"""Bulk changes to customers chosen on the list: reassign, add or remove a tag, change the stage.

These are services (the one write path for bulk changes, whoever calls them: the list page, the admin, a task).
Each change runs in one transaction over at most `CRM_BULK_LIMIT` customers, every one of which the acting user
must reach for writing: one customer outside reach refuses the whole change and nothing is written. Every
customer the change alters gets its version raised (a form opened before it is refused as stale, as after any
edit), one history entry, and the change as a whole one audit entry naming the customers.

Rows are changed with one UPDATE and their history written with one INSERT per table instead of saving each
customer, so a change of thousands of customers takes one round of queries, not thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from customers.models import Customer, Tag
from customers.selectors import customer_scope, owners_for
from records.audit import audit_record
from records.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class BulkAction(models.TextChoices):
    REASSIGN = "reassign", _("Reassign to")
    TAG = "tag", _("Add tag")
    UNTAG = "untag", _("Remove tag")
    STAGE = "stage", _("Change stage to")


@dataclass(frozen=True)
class BulkResult:
    """How many customers were chosen, and how many of them the change altered (the others already matched)."""

    chosen: int
    changed: int


def bulk_limit() -> int:
    return settings.CRM_BULK_LIMIT


def _target_value(*, action: str, value: Any, by: AbstractBaseUser) -> Any:
    """The owner, tag or stage the change sets, checked: an owner `by` may assign to, an existing tag, a stage."""
    if action == BulkAction.REASSIGN:
        owner = owners_for(user=by).filter(pk=getattr(value, "pk", value)).first()
        if owner is None:
            raise ValidationError({"owner": _("Choose an active user you may assign customers to.")}, code="owner")
        return owner
    if action in (BulkAction.TAG, BulkAction.UNTAG):
        tag = Tag.objects.filter(pk=getattr(value, "pk", value)).first()
        if tag is None:
            raise ValidationError({"tag": _("Choose an existing tag.")}, code="tag")
        return tag
    if action == BulkAction.STAGE:
        if value not in Customer.Stage.values:
            raise ValidationError({"stage": _("Choose one of the stages.")}, code="stage")
        return value
    raise ValidationError({"action": _("Choose what to do with the chosen customers.")}, code="action")


@transaction.atomic
def customer_bulk_change(*, by: AbstractBaseUser, customer_ids: Iterable[int], action: str, value: Any) -> BulkResult:
    """Apply `action` with `value` (an owner, a tag, a stage) to the customers `customer_ids`, as `by`.

    Raises ValidationError for a bad action, value or too many customers, and PermissionDenied when any of the
    customers is outside what `by` may change (or no longer exists): then nothing is written.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        raise ValidationError(_("Choose at least one customer."), code="empty")
    if len(ids) > bulk_limit():
        raise ValidationError(
            ngettext(
                "A bulk change takes at most %(limit)d customer; narrow the list first.",
                "A bulk change takes at most %(limit)d customers; narrow the list first.",
                bulk_limit(),
            )
            % {"limit": bulk_limit()},
            code="too_many",
        )
    target = _target_value(action=action, value=value, by=by)
    # Lock the rows first, then check reach on the locked rows: an owner change by someone else waits for us.
    rows = list(customer_scope(user=by, write=True).select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(rows) != len(ids):
        outside = len(ids) - len(rows)
        raise PermissionDenied(
            ngettext(
                "%(count)d of the chosen customers is outside your reach or no longer exists; nothing was changed.",
                "%(count)d of the chosen customers are outside your reach or no longer exist; nothing was changed.",
                outside,
            )
            % {"count": outside}
        )

    through = Customer.tags.through
    fields: dict[str, Any] = {}
    if action == BulkAction.REASSIGN:
        changed = [c for c in rows if c.owner_id != target.pk]
        fields = {"owner_id": target.pk}
    elif action == BulkAction.STAGE:
        changed = [c for c in rows if c.lifecycle_stage != target]
        fields = {"lifecycle_stage": target}
    else:
        tagged = set(through.objects.filter(tag=target, customer_id__in=ids).values_list("customer_id", flat=True))
        changed = [c for c in rows if (c.pk in tagged) == (action == BulkAction.UNTAG)]
        changed_ids = [c.pk for c in changed]
        if action == BulkAction.TAG:
            through.objects.bulk_create([through(customer_id=pk, tag=target) for pk in changed_ids])
        else:
            through.objects.filter(tag=target, customer_id__in=changed_ids).delete()

    if changed:
        now = timezone.now()
        Customer.objects.filter(pk__in=[c.pk for c in changed]).update(
            version=F("version") + 1, updated_at=now, **fields
        )
        for customer in changed:
            customer.version += 1
            customer.updated_at = now
            for name, new in fields.items():
                setattr(customer, name, new)
        _history_write(changed, by=by, when=now)
        audit_record(
            action=AuditEntry.Action.BULK_CHANGE,
            actor=by,
            object_type="customers.customer",
            label=str(BulkAction(action).label),
            detail={
                "action": str(action),
                "value": getattr(target, "pk", target),
                "value_label": str(target.get_full_name() or target.username)
                if action == BulkAction.REASSIGN
                else str(target),
                "chosen": len(ids),
                "changed": len(changed),
                "customers": [c.pk for c in changed],
            },
        )
    return BulkResult(chosen=len(ids), changed=len(changed))


def _history_write(customers: list[Customer], *, by: AbstractBaseUser, when) -> None:
    """One history entry per changed customer, with its tags as they now are (what a save would record)."""
    history = Customer.history
    records = history.bulk_history_create(customers, update=True, default_user=by, default_date=when)
    if records and records[0].pk is None:
        # Databases that cannot return the new ids (MySQL, unlike MariaDB and SQLite): read them back.
        by_customer = dict(
            history.model.objects.filter(id__in=[c.pk for c in customers], history_date=when).values_list(
                "id", "history_id"
            )
        )
        for record in records:
            record.history_id = by_customer[record.id]
    record_of = {record.id: record.history_id for record in records}
    tag_history = history.model._meta.get_field("historicalcustomer_tags").related_model
    tag_history.objects.bulk_create(
        tag_history(id=row_id, history_id=record_of[customer_id], customer_id=customer_id, tag_id=tag_id)
        for row_id, customer_id, tag_id in Customer.tags.through.objects.filter(
            customer_id__in=list(record_of)
        ).values_list("id", "customer_id", "tag_id")
    )
