"""Every write to tasks, from the pages, the admin and the reminder job alike.

Each service checks that the acting user reaches the task and every record it is handed (its customer and
opportunity by id, its owner among the users `by` may assign to), claims the row's next version (StaleVersionError
when the caller's copy is out of date), validates, and records who changed it. With an opportunity, a task's
customer is the opportunity's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import reach
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
