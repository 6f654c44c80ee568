"""Every write to tasks, from the pages, the admin and the reminder job alike.

Each service checks that the acting user reaches the task and every record it is handed (its customer and
opportunity by id, its owner among the users `by` may assign to), claims the row's next version (StaleVersionError
when the caller's copy is out of date), validates, and records who changed it. With an opportunity, a task's
customer is the opportunity's. The reminder job (`task_reminders_send`) tells each owner once when a task falls due.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from accounts import reach
from accounts.notifications import in_language_of, notify
from accounts.selectors import time_zone_name_of
from crm.timezones import localtime_or_utc, zone_named
from customers.models import Customer
from records.models import Deletion
from records.services import deletion_create
from records.versioning import version_claim
from sales.models import Opportunity, Task
from sales.selectors.opportunities import sales_owners_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# The fields a page, the admin or an import may set; the others belong to the services.
EDITABLE = ("subject", "notes", "due_at", "priority", "owner", "customer", "opportunity")
# How many due tasks the reminder job claims per read; it reads again until none are left.
REMINDER_BATCH = 200


def _apply(task: Task, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Tasks have no editable fields {sorted(unknown)}.")
    for name, value in fields.items():
        setattr(task, name, value)
    task.subject = (task.subject or "").strip()


def _check_related(task: Task, *, by: AbstractBaseUser, changed: set[str]) -> None:
    """The opportunity and the customer within `by`'s reach, the owner one `by` may assign to. With an
    opportunity, the customer becomes the opportunity's, whatever was given."""
    errors = {}
    if task.opportunity_id is not None:
        opportunities = Opportunity._base_manager.all()
        if "opportunity_id" in changed:
            opportunities = reach.scope(Opportunity, user=by, write=True)
        customer_id = opportunities.filter(pk=task.opportunity_id).values_list("customer_id", flat=True).first()
        if customer_id is None:
            errors["opportunity"] = _("Select an opportunity you have access to.")
        else:
            task.customer_id = customer_id
    elif "customer_id" in changed and task.customer_id is not None:
        if not reach.scope(Customer, user=by, write=True).filter(pk=task.customer_id).exists():
            errors["customer"] = _("Select a customer you have access to.")
    if "owner_id" in changed and task.owner_id is not None:
        if not sales_owners_for(user=by).filter(pk=task.owner_id).exists():
            errors["owner"] = _("You cannot assign tasks to this user.")
    if errors:
        raise ValidationError(errors, code="not_allowed")


def _save(task: Task, *, by: AbstractBaseUser) -> Task:
    task.full_clean()
    task._history_user = by
    task.save()
    return task


@transaction.atomic
def task_create(*, by: AbstractBaseUser, task: Task | None = None, **fields: Any) -> Task:
    """Add a task owned by someone `by` may assign to (`by` when no owner is given), about a customer or
    opportunity `by` reaches (or about nothing). Raises ValidationError."""
    task = task if task is not None else Task()
    _apply(task, fields)
    if not task.owner_id:
        task.owner = by
    _check_related(task, by=by, changed={"customer_id", "opportunity_id", "owner_id"})
    task.done_at, task.done_by, task.reminded_at = None, None, None
    return _save(task, by=by)


@transaction.atomic
def task_update(*, task: Task, by: AbstractBaseUser, expected_version: int | None = None, **fields: Any) -> Task:
    """Change a task's fields, as `by` who must reach it. Whether it is done and whether its owner was reminded
    stay as stored (the caller's copy may predate them), except that a due time moved into the future arms the
    reminder again. Raises StaleVersionError, ValidationError or PermissionDenied."""
    reach.check(task, user=by)
    current = version_claim(task, expected=expected_version)
    _apply(task, fields)
    # Compared with the stored row, so a caller that set the fields itself (the admin's form) is checked too.
    changed = {
        name for name in ("customer_id", "opportunity_id", "owner_id") if getattr(task, name) != getattr(current, name)
    }
    _check_related(task, by=by, changed=changed)
    task.done_at, task.done_by_id, task.reminded_at = current.done_at, current.done_by_id, current.reminded_at
    if task.due_at != current.due_at and task.due_at is not None and task.due_at > timezone.now():
        task.reminded_at = None
    return _save(task, by=by)


def _claim(task: Task, *, by: AbstractBaseUser, expected_version: int | None) -> Task:
    """The stored row of `task`, locked, with its next version claimed (call inside a transaction)."""
    reach.check(task, user=by)
    current = version_claim(task, expected=expected_version)
    current.version = task.version
    return current


@transaction.atomic
def task_complete(*, task: Task, by: AbstractBaseUser, expected_version: int | None = None) -> Task:
    """Mark a task done, now, by `by`. A task already done stays as it was. Raises StaleVersionError or
    PermissionDenied."""
    current = _claim(task, by=by, expected_version=expected_version)
    if current.done_at is not None:
        current.version -= 1  # not saved: nothing changed
        return current
    current.done_at, current.done_by = timezone.now(), by
    return _save(current, by=by)


@transaction.atomic
def task_reopen(*, task: Task, by: AbstractBaseUser, expected_version: int | None = None) -> Task:
    """Mark a done task open again. A task that is open stays as it was. Raises StaleVersionError or
    PermissionDenied."""
    current = _claim(task, by=by, expected_version=expected_version)
    if current.done_at is None:
        current.version -= 1
        return current
    current.done_at, current.done_by = None, None
    return _save(current, by=by)


def task_delete(*, task: Task, by: AbstractBaseUser) -> Deletion:
    """Move a task to the recycle bin."""
    reach.check(task, user=by)
    return deletion_create(root=task, by=by)


# Reminders -----------------------------------------------------------------------------------------------------


def _due_tasks(now: datetime):
    """Open tasks in no recycle bin, due by `now`, whose owner was not reminded yet."""
    return Task.objects.filter(done_at__isnull=True, reminded_at__isnull=True, due_at__lte=now)


def _when_for(user: AbstractBaseUser, value: datetime) -> str:
    """`value` as the recipient reads dates: in their time zone and their language's format (call within
    `in_language_of(user)`)."""
    with timezone.override(zone_named(time_zone_name_of(user))):
        return date_format(localtime_or_utc(value), get_format("DATETIME_FORMAT"))


def task_reminder_notify(task: Task) -> None:
    """Tell the task's owner it is due, in their language, in the app and by email."""
    owner = task.owner
    with in_language_of(owner):
        lines = [_("Due %(when)s.") % {"when": _when_for(owner, task.due_at)}]
        if task.priority == Task.Priority.HIGH:
            lines.append(_("High priority."))
        if task.opportunity_id:
            lines.append(_("Opportunity: %(name)s") % {"name": task.opportunity.title})
        if task.customer_id:
            lines.append(_("Customer: %(name)s") % {"name": task.customer.name})
        if task.notes:
            lines.append(task.notes)
        notify(
            owner,
            kind="task_due",
            title=_("Task due: %(subject)s") % {"subject": task.subject},
            body="\n".join(lines),
            url=task.get_absolute_url(),
            email=True,
        )


def task_reminders_send(*, now: datetime | None = None, batch_size: int = REMINDER_BATCH) -> int:
    """Remind the owner of every open task due by `now` (default: now) that was not reminded yet. Returns how many
    reminders were sent.

    Each task is claimed by an UPDATE that only matches while its reminder is still unsent, in the same transaction
    as its notification: a second run, or another worker running at the same moment (whose UPDATE waits for this
    row lock and then matches nothing), never sends it again, and a notification that fails leaves the task
    to be reminded by the next run. Idempotent."""
    now = now or timezone.now()
    sent = 0
    while True:
        ids = list(_due_tasks(now).order_by("due_at", "id").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return sent
        for pk in ids:
            with transaction.atomic():
                if not _due_tasks(now).filter(pk=pk).update(reminded_at=now):
                    continue  # done, moved, or reminded by another worker since the read
                task = Task.objects.select_related("owner", "customer", "opportunity").get(pk=pk)
                task_reminder_notify(task)
            sent += 1
