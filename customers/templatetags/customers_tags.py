"""Formatting helpers for customer templates; they never query the database. The tags every list, form and
history uses (sort links, filter selects, people's names) are the page kit's: `{% load kit_tags %}`; dates and times
are written by the kit's `when` filter, which every template has."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from crm.kit.templatetags.kit_dates import when
from customers.models import Customer

register = template.Library()

_STAGE_CLASSES = {
    "lead": "text-bg-secondary",
    "prospect": "text-bg-info",
    "customer": "text-bg-success",
    "churned": "text-bg-danger",
}
_TIER_CLASSES = {"A": "text-bg-warning", "B": "text-bg-primary", "C": "text-bg-light border"}
_STATUS_CLASSES = {"good": "text-bg-success", "average": "text-bg-warning", "deteriorating": "text-bg-danger"}


def _label(choices, value) -> str:
    """The display label of a TextChoices value. Model.get_FOO_display() rebuilds a dict of every choice on
    each call, which costs a list page of 25 rows a few milliseconds; the enum lookup does not."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


@register.simple_tag
def stage_badge(customer):
    return format_html(
        '<span class="badge {}">{}</span>',
        _STAGE_CLASSES.get(customer.lifecycle_stage, ""),
        _label(Customer.Stage, customer.lifecycle_stage),
    )


@register.simple_tag
def tier_badge(customer):
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        _TIER_CLASSES.get(customer.tier, ""),
        _label(Customer.Tier, customer.tier),
        customer.tier,
    )


@register.simple_tag
def customer_kind(customer):
    """ "Company · Technology": the type and, when known, the industry."""
    kind = _label(Customer.Kind, customer.kind)
    return f"{kind} · {_label(Customer.Industry, customer.industry)}" if customer.industry else kind


@register.simple_tag
def status_badge(relationship):
    return format_html(
        '<span class="badge {}">{}</span>',
        _STATUS_CLASSES.get(relationship.status, ""),
        relationship.get_status_display(),
    )


@register.filter
def minutes(duration):
    """Whole minutes of a timedelta (rounded up), for "locked for 15 minutes"."""
    if not duration:
        return 0
    return max(1, -(-int(duration.total_seconds()) // 60))


@register.simple_tag
def last_contacted(customer):
    """When the customer was last contacted, relative ("3 days ago") within a week and by date after, with the
    exact time on hover (the kit's `when`); "Never" when no interaction was logged."""
    if customer.last_contacted_at is None:
        return format_html('<span class="text-body-secondary">{}</span>', _("Never"))
    return when(customer.last_contacted_at, "relative")
