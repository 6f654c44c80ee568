"""Formatting for sales pages: money and stage badges. No queries: the views supply the data."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

register = template.Library()

_OUTCOME_CLASS = {"open": "text-bg-primary", "won": "text-bg-success", "lost": "text-bg-secondary"}


@register.filter
def money(amount, currency=""):
    """`12,500.00 EUR`, grouped in the reader's language; empty for None."""
    if amount is None:
        return ""
    text = number_format(amount, decimal_pos=2, force_grouping=True)
    return f"{text} {currency}".strip()


@register.simple_tag
def stage_badge(stage):
    return format_html(
        '<span class="badge {}">{}</span>', _OUTCOME_CLASS.get(stage.outcome, "text-bg-light"), stage.label
    )
