"""The rules every line item follows, on an opportunity or a quote: a product still sold and priced in the record's
currency (checked when the line is added), at least one unit, and a discount between 0 and 100 %. The services of
opportunities and quotes call these inside their transactions, after locking the record the lines belong to."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sales.models import Product


def line_terms_check(*, quantity: int | None, discount_percent: Decimal | None) -> None:
    """Refuse a quantity below 1 or a discount outside 0–100 %, with an error on each field."""
    errors = {}
    if quantity is None or quantity < 1:
        errors["quantity"] = _("Quantities must be at least 1.")
    if discount_percent is None or not Decimal("0") <= discount_percent <= Decimal("100"):
        errors["discount_percent"] = _("A discount is between 0 and 100 %.")
    if errors:
        raise ValidationError(errors, code="line")


def line_product_check(*, product: Product, currency: str) -> None:
    """Refuse a product no longer sold, or priced in another currency than the record the line is added to."""
    if not product.active:
        raise ValidationError(
            {"product": _("%(product)s is no longer sold: choose another product.") % {"product": product.name}},
            code="inactive_product",
        )
    if product.currency != currency:
        raise ValidationError(
            {
                "product": _("%(product)s is priced in %(product_currency)s, and this is in %(currency)s.")
                % {"product": product.name, "product_currency": product.currency, "currency": currency}
            },
            code="currency",
        )
