"""Formatting helpers for customer templates; they never query the database. The tags every list, form and
history uses (sort links, filter selects, people's names) are the page kit's: `{% load kit_tags %}`."""

from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from crm.timezones import localtime_or_utc
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
def local_date(value, arg=None):
    """`value|date:arg` in the active time zone, except that a time too near year 1 or 9999 to convert to it
    (0001-01-01 00:00 UTC is in year 0 in Los Angeles) is shown as stored, in UTC, instead of failing the page.

    Django's own `date` filter converts before it is called (expects_localtime), where the error cannot be caught.
    """
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = localtime_or_utc(value)
    return date_filter(value, arg)


@register.filter
def minutes(duration):
    """Whole minutes of a timedelta (rounded up), for "locked for 15 minutes"."""
    if not duration:
        return 0
    return max(1, -(-int(duration.total_seconds()) // 60))


@register.simple_tag
def last_contacted(customer):
    """When the customer was last contacted, relative ("3 days ago"), with the exact time on hover; "Never"."""
    value = customer.last_contacted_at
    if value is None:
        return format_html('<span class="text-body-secondary">{}</span>', _("Never"))
    now = timezone.now()
    if value > now:
        relative = _("in %(time)s") % {"time": timeuntil(value, now, depth=1)}
    else:
        relative = _("%(time)s ago") % {"time": timesince(value, now, depth=1)}
    local = localtime_or_utc(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        date_filter(local, "SHORT_DATETIME_FORMAT"),
        relative,
    )
