"""Formatting helpers for customer templates; they never query the database."""
from datetime import datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from crm.timezones import localtime_or_utc
from customers.models import Customer

register = template.Library()

_STAGE_CLASSES = {"lead": "text-bg-secondary", "prospect": "text-bg-info", "customer": "text-bg-success",
                  "churned": "text-bg-danger"}
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
    return format_html('<span class="badge {}">{}</span>', _STAGE_CLASSES.get(customer.lifecycle_stage, ""),
                       _label(Customer.Stage, customer.lifecycle_stage))


@register.simple_tag
def tier_badge(customer):
    return format_html('<span class="badge {}" title="{}">{}</span>', _TIER_CLASSES.get(customer.tier, ""),
                       _label(Customer.Tier, customer.tier), customer.tier)


@register.simple_tag
def customer_kind(customer):
    """"Company · Technology": the type and, when known, the industry."""
    kind = _label(Customer.Kind, customer.kind)
    return f"{kind} · {_label(Customer.Industry, customer.industry)}" if customer.industry else kind


@register.simple_tag
def status_badge(relationship):
    return format_html('<span class="badge {}">{}</span>', _STATUS_CLASSES.get(relationship.status, ""),
                       relationship.get_status_display())


@register.simple_tag
def sort_url(key, current, query):
    """The list URL sorted by `key`, flipping direction when it is already the sort."""
    target = f"-{key}" if current == key else key
    return f"?{query}&sort={target}" if query else f"?sort={target}"


@register.simple_tag
def sort_indicator(key, current):
    if current == key:
        return "▲"
    if current == f"-{key}":
        return "▼"
    return ""


@register.filter
def user_label(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.username


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


@lru_cache(maxsize=64)
def _options_html(choices: tuple) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)


@register.simple_tag
def filter_select(bound_field):
    """A filter <select> written directly, its options rendered once per set of choices: Django's widget
    templates render each of the ~250 country options through the template engine on every request,
    which measured as a third of the list page's time."""
    options = _options_html(tuple((str(value), str(label)) for value, label in bound_field.field.choices))
    value = bound_field.value()
    if value not in (None, ""):
        marker = format_html('<option value="{}"', value)
        options = options.replace(marker + ">", marker + " selected>", 1)
    invalid = " is-invalid" if bound_field.errors else ""
    return format_html('<select name="{}" id="{}" class="form-select{}">{}</select>', bound_field.html_name,
                       bound_field.id_for_label, invalid, mark_safe(options))  # noqa: S308 (escaped above)
