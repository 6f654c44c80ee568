"""Reads for task pages and the task cards on customer and opportunity pages. Every read scopes through
accounts.reach (the "sales" domain): reps reach their own tasks, managers their teams', administrators all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from accounts import reach
from sales.models import Opportunity, Task

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from customers.models import Customer

# Open tasks a customer or opportunity page lists; the task list holds the rest.
CARD_TASKS = 5


def task_scope(*, user: AbstractBaseUser, write: bool = False) -> QuerySet[Task]:
    """The tasks `user` may read (or change, with write=True)."""
    return reach.scope(Task, user=user, write=write)


def task_get_for(*, user: AbstractBaseUser, pk: int, write: bool = False) -> Task:
    """One task within reach, with what it is about and its people preloaded; Http404 otherwise."""
    return reach.get_for(
        Task.objects.select_related("customer", "opportunity", "owner", "done_by"), user=user, write=write, pk=pk
    )


def task_list_for(*, user: AbstractBaseUser) -> QuerySet[Task]:
    """The user's tasks for the list page and the export. The customer and opportunity are joined by primary key
    (one row each per task of the page); the owner is prefetched, as on the opportunity list, so the small users
    table never leads the plan."""
    return task_scope(user=user).select_related("customer", "opportunity").prefetch_related("owner")


def task_open_condition() -> Q:
    return Q(done_at__isnull=True)


def _card(tasks: QuerySet[Task]) -> dict[str, Any]:
    """The first open tasks of `tasks`, soonest due first, and whether there are more (one query)."""
    rows = list(tasks.filter(task_open_condition()).order_by("due_at", "id")[: CARD_TASKS + 1])
    return {"tasks": rows[:CARD_TASKS], "more": len(rows) > CARD_TASKS}


def opportunity_tasks_summary(*, opportunity: Opportunity, user: AbstractBaseUser) -> dict[str, Any]:
    """The opportunity page's card: its open tasks the user reaches (one query)."""
    return _card(task_scope(user=user).filter(opportunity=opportunity).select_related("owner"))


def customer_tasks_summary(*, customer: Customer, user: AbstractBaseUser) -> dict[str, Any] | None:
    """The customer page's card: the customer's open tasks the user reaches (those on its opportunities too, whose
    customer follows the opportunity), in one query; None when the user may not see tasks."""
    if not user.has_perm("sales.view_task"):
        return None
    return _card(task_scope(user=user).filter(customer=customer).select_related("owner", "opportunity"))


def attach_links(tasks: Iterable[Task], *, user: AbstractBaseUser) -> list[Task]:
    """Give each task (customer and opportunity loaded) `customer_url` and `opportunity_url`: the page of what it is
    about where `user` may open it, else "" (a manager may have given the task about another rep's customer, or
    the record is in the recycle bin). No queries."""
    see_customers = user.has_perm("customers.view_customer")
    see_opportunities = user.has_perm("sales.view_opportunity")
    rows = list(tasks)
    for task in rows:
        customer = task.customer if task.customer_id else None
        opportunity = task.opportunity if task.opportunity_id else None
        task.customer_url = (
            customer.get_absolute_url()
            if customer is not None
            and see_customers
            and customer.deletion_id is None
            and reach.can_reach(customer, user=user)
            else ""
        )
        task.opportunity_url = (
            opportunity.get_absolute_url()
            if opportunity is not None
            and see_opportunities
            and opportunity.deletion_id is None
            and reach.can_reach(opportunity, user=user)
            else ""
        )
    return rows


def opportunity_choices_for(*, user: AbstractBaseUser) -> QuerySet[Opportunity]:
    """Opportunities a task may be about: those the user may change."""
    return reach.scope(Opportunity, user=user, write=True)
