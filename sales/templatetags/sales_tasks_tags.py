"""The customer page's tasks card (its data comes from a sales selector, so the customers app itself never imports
sales), and the priority badge of a task."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from accounts import reach
from sales.models import Task

register = template.Library()

_PRIORITY_STYLE = {
    Task.Priority.HIGH: "text-bg-danger",
    Task.Priority.NORMAL: "text-bg-light border",
    Task.Priority.LOW: "text-bg-light border text-body-secondary",
}


@register.simple_tag
def priority_badge(task):
    return format_html(
        '<span class="badge {}">{}</span>',
        _PRIORITY_STYLE.get(task.priority, "text-bg-light"),
        task.get_priority_display(),
    )


@register.simple_tag
def customer_task_card(customer, user):
    """The customer page's tasks card: its open tasks (one query) and the links around them, or None when the user
    may not see tasks (the page shows no card)."""
    from sales.selectors.tasks import customer_tasks_summary

    data = customer_tasks_summary(customer=customer, user=user)
    if data is None:
        return None
    page = customer.get_absolute_url()
    data.update(
        can_add=user.has_perm("sales.add_task") and reach.can_reach(customer, user=user, write=True),
        can_change=user.has_perm("sales.change_task"),
        new_url=f"{reverse('sales:task-create')}?customer={customer.pk}&next={page}",
        all_url=f"{reverse('sales:task-list')}?customer={customer.pk}",
        next=page,
    )
    return data
