"""Formatting helpers for customer templates; they never query the database."""
from django import template
from django.utils.html import format_html

register = template.Library()

_STAGE_CLASSES = {"lead": "text-bg-secondary", "prospect": "text-bg-info", "customer": "text-bg-success",
                  "churned": "text-bg-danger"}
_TIER_CLASSES = {"A": "text-bg-warning", "B": "text-bg-primary", "C": "text-bg-light border"}
_STATUS_CLASSES = {"good": "text-bg-success", "average": "text-bg-warning", "deteriorating": "text-bg-danger"}


@register.simple_tag
def stage_badge(customer):
    return format_html('<span class="badge {}">{}</span>', _STAGE_CLASSES.get(customer.lifecycle_stage, ""),
                       customer.get_lifecycle_stage_display())


@register.simple_tag
def tier_badge(customer):
    return format_html('<span class="badge {}" title="{}">{}</span>', _TIER_CLASSES.get(customer.tier, ""),
                       customer.get_tier_display(), customer.tier)


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
def minutes(duration):
    """Whole minutes of a timedelta (rounded up), for "locked for 15 minutes"."""
    if not duration:
        return 0
    return max(1, -(-int(duration.total_seconds()) // 60))
