"""Order badges and amounts, and the customer page's orders card (its data comes from a sales selector, so the
customers app itself never imports sales)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

from sales.models import Order

register = template.Library()

_STATUS_STYLE = {
    Order.Status.DRAFT: "text-bg-secondary",
    Order.Status.CONFIRMED: "text-bg-primary",
    Order.Status.SHIPPED: "text-bg-info",
    Order.Status.PAID: "text-bg-success",
    Order.Status.CANCELLED: "text-bg-light border",
}


@register.simple_tag
def order_status_badge(order):
    return format_html(
        '<span class="badge {}">{}</span>', _STATUS_STYLE.get(order.status, "text-bg-light"), order.get_status_display()
    )


@register.filter
def money(value):
    """An amount with two decimals and grouped thousands ("1,234.50"); blank for None."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return intcomma(f"{amount:.2f}", use_l10n=False)


@register.simple_tag
def customer_orders_summary(customer, user):
    """The customer page's orders card: latest orders and lifetime revenue, or None when the user may not see
    them (the page shows no card)."""
    from sales.selectors.orders import customer_orders_summary as summary

    data = summary(customer=customer, user=user)
    if data is not None:
        data["can_add"] = user.has_perm("sales.add_order")
    return data
