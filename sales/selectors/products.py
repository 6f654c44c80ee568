"""Reads for the product pages. Products are not owned: every user with sales.view_product reads them all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from sales.models import Product

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class PriceChange:
    when: datetime
    price: Decimal
    currency: str
    previous: Decimal | None
    who: Any


def product_list(*, user: AbstractBaseUser) -> QuerySet[Product]:
    """Every product, for the list and its filters (the page checks sales.view_product)."""
    return Product.objects.all()


def product_price_history(*, product: Product, limit: int = 50) -> list[PriceChange]:
    """The product's prices, newest first: each saved version whose price or currency differs from the one
    before, with who set it. Reads the history once (`limit` prices at most)."""
    records = list(
        product.history.select_related("history_user")
        .order_by("history_date", "history_id")
        .values_list("history_date", "unit_price", "currency", "history_user_id")
    )
    changes: list[PriceChange] = []
    previous: tuple[Decimal, str] | None = None
    for when, price, currency, who in records:
        if previous is None or (price, currency) != previous:
            changes.append(
                PriceChange(
                    when=when, price=price, currency=currency, previous=previous[0] if previous else None, who=who
                )
            )
        previous = (price, currency)
    changes = changes[::-1][:limit]
    if changes:
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.in_bulk({c.who for c in changes if c.who})
        changes = [PriceChange(c.when, c.price, c.currency, c.previous, users.get(c.who)) for c in changes]
    return changes
