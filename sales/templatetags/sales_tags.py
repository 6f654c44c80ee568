"""Formatting for sales pages: money, stage and quote badges, and the customer page's opportunities card (its data
comes from a sales selector, so the customers app itself never imports sales). Formatting tags make no queries."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()

_OUTCOME_CLASS = {"open": "text-bg-primary", "won": "text-bg-success", "lost": "text-bg-secondary"}


@register.filter
def money(amount, currency=""):
    """`12,500.00 EUR`: thousands grouped by commas, two decimals, in both of the site's languages (Django's
    Chinese formats group no digits, and an amount of 1234567.00 is hard to read); empty for None."""
    if amount is None:
        return ""
    return f"{Decimal(amount):,.2f} {currency}".strip()


@register.simple_tag
def stage_badge(stage):
    return format_html(
        '<span class="badge {}">{}</span>', _OUTCOME_CLASS.get(stage.outcome, "text-bg-light"), stage.label
    )


_QUOTE_CLASS = {
    "draft": "text-bg-secondary",
    "sent": "text-bg-primary",
    "accepted": "text-bg-success",
    "declined": "text-bg-light border",
}


@register.simple_tag
def quote_status_badge(quote):
    return format_html(
        '<span class="badge {}">{}</span>', _QUOTE_CLASS.get(quote.status, "text-bg-light"), quote.get_status_display()
    )


@register.simple_tag
def customer_opportunities_summary(customer, user):
    """The customer page's opportunities card: the open ones the user reaches and the counts of open, won and lost,
    or None when the user may not see opportunities (the page shows no card)."""
    from accounts import reach
    from sales.selectors.opportunities import customer_opportunities_summary as summary

    data = summary(customer=customer, user=user)
    if data is not None:
        data["can_add"] = user.has_perm("sales.add_opportunity") and reach.can_reach(customer, user=user, write=True)
    return data
