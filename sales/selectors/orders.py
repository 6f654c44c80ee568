"""Reads for order pages, exports, the customer page's orders card and the import. Every order read goes through
`order_scope`, so an order outside the user's reach answers 404 wherever it is asked for. Totals are computed by
the database (a SUM over the lines, stored on the order with its lines), never by adding lines up in Python."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts import reach
from customers.models import Customer
from sales.models import ImportedCustomer, Order, OrderLine, Product

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=4)
# See order_list_for.
WALK_FROM = 1000
# A search for a customer's name reads those customers' orders by their ids when there are at most this many.
SEARCH_CUSTOMERS_MAX = 2000
# Statuses whose orders count as sales: drafts are not yet, cancelled ones no longer.
REVENUE_STATUSES = (Order.Status.CONFIRMED, Order.Status.SHIPPED, Order.Status.PAID)


def line_net(prefix: str = "") -> ExpressionWrapper:
    """quantity × unit price × (100 − discount) / 100 of a line (negative on returns), as a database expression."""
    return ExpressionWrapper(
        F(f"{prefix}quantity") * F(f"{prefix}unit_price") * (Value(100) - F(f"{prefix}discount_percent")) / Value(100),
        output_field=MONEY_FIELD,
    )


def guest_customer_ids() -> list[int]:
    """The customers standing for an online shop's anonymous buyers (the Online Retail import's "guest" key): one
    record for many unknown people, which analytics of single customers leave out."""
    from sales.services.online_retail import GUEST_KEY

    return list(ImportedCustomer.objects.filter(external_id=GUEST_KEY).values_list("customer_id", flat=True))


def order_scope(*, user: AbstractBaseUser, write: bool = False) -> QuerySet[Order]:
    """The orders `user` may read (or change, with write=True): of their customers, their teams', or all."""
    return reach.scope(Order, user=user, write=write)


def order_list_for(*, user: AbstractBaseUser) -> QuerySet[Order]:
    """The user's orders for the list and its export, customer preloaded, with their stored totals.

    The same rows as `order_scope`, written differently for a user who reaches more than WALK_FROM orders through
    their customers: MariaDB starts from the owners' customers (their owner index) and sorts all of their orders
    before returning a page (1.3 s for a rep's 78,000 of 618,000 orders), when walking the sort's own index and
    checking each order's customer by its primary key finds the page within a few hundred orders (12 ms). With the
    owner compared through COALESCE no index can start from it, so the database walks the order's indexes. For a
    user with few orders the customers are the quicker start, and the database is left to choose.
    """
    orders = order_scope(user=user)
    owners = reach.owner_ids(user, domain="sales")
    if owners is not None and orders.values("pk").order_by()[: WALK_FROM + 1].count() > WALK_FROM:
        orders = Order.objects.alias(reach_owner=Coalesce("customer__owner_id", Value(0))).filter(
            reach_owner__in=owners
        )
    return orders.select_related("customer")


def order_get_for(*, user: AbstractBaseUser, pk: int, write: bool = False) -> Order:
    """One order within reach, customer, opportunity, quote and original preloaded; Http404 otherwise."""
    queryset = order_scope(user=user, write=write).select_related(
        "customer", "opportunity", "quote__opportunity", "original"
    )
    return reach.get_for(queryset, user=user, write=write, pk=pk)


def order_lines(*, order: Order) -> QuerySet[OrderLine]:
    """The order's lines with the product and each line's `net` amount computed by the database."""
    return order.lines.select_related("product").annotate(net=line_net()).order_by("id")


def order_total(*, order: Order) -> Decimal:
    """The order's total (net of line discounts), summed by the database."""
    total = OrderLine.objects.filter(order=order).aggregate(total=Sum(line_net()))["total"]
    return total if total is not None else Decimal("0")


def order_returns(*, order: Order, user: AbstractBaseUser) -> QuerySet[Order]:
    """The returns made from `order` that the user reaches, newest first."""
    return order_scope(user=user).filter(original=order).order_by("-ordered_at")


def returnable_quantities(*, order: Order, exclude_return: Order | None = None) -> dict[int, int]:
    """Per product id: how many units of `order` may still be returned, i.e. ordered minus already returned on
    returns that are not cancelled (drafts included, so two drafts cannot return the same units)."""
    ordered = dict(
        OrderLine.objects.filter(order=order, quantity__gt=0)
        .order_by()
        .values("product")
        .annotate(n=Sum("quantity"))
        .values_list("product", "n")
    )
    returned_lines = OrderLine.objects.filter(
        order__original=order, order__deletion__isnull=True, order__kind=Order.Kind.RETURN
    ).exclude(order__status=Order.Status.CANCELLED)
    if exclude_return is not None:
        returned_lines = returned_lines.exclude(order=exclude_return)
    returned = dict(returned_lines.order_by().values("product").annotate(n=Sum("quantity")).values_list("product", "n"))
    return {product: ordered_n + (returned.get(product) or 0) for product, ordered_n in ordered.items()}


def customer_orders_summary(*, customer: Customer, user: AbstractBaseUser, limit: int = 5) -> dict[str, Any] | None:
    """For the customer page: the customer's latest orders (with totals) and lifetime revenue net of returns,
    counting confirmed, shipped and paid orders only; None when the user may not see the customer's orders."""
    if not user.has_perm("sales.view_order"):
        return None
    orders = order_scope(user=user).filter(customer=customer)
    if not reach.can_reach(Order(customer=customer), user=user):
        return None
    # One sum per currency: amounts in different currencies are never added together. From the orders' stored
    # totals, not their lines: a customer buying every week has tens of thousands of lines.
    revenue = list(
        Order.objects.filter(customer=customer, status__in=REVENUE_STATUSES)
        .order_by("currency")
        .values_list("currency")
        .annotate(total=Sum("total"))
    )
    latest = list(orders.order_by("-ordered_at", "-id")[:limit])
    return {"orders": latest, "revenue": revenue}


def customer_timeline_orders(customer: Customer, user: AbstractBaseUser) -> QuerySet[Order] | None:
    """For the customer's timeline (customers.timeline): the customer's orders and returns the user reaches, newest
    first, each with its stored `total`; None without sales.view_order."""
    if not user.has_perm("sales.view_order"):
        return None
    return order_scope(user=user).filter(customer=customer).order_by("-ordered_at", "-id")


def active_products() -> QuerySet[Product]:
    """What an order line may choose: the active products of the catalogue."""
    return Product.objects.filter(active=True).order_by("name", "id")


def order_search_condition(text: str) -> Q:
    """Orders whose number starts with, or whose customer's name starts with, the text typed.

    The customers are looked up first, from their name index, and their orders then read by customer id: written
    as one condition across the join, the database tested every order's customer (16 s for a manager at 618,000
    orders). Past SEARCH_CUSTOMERS_MAX customers the condition is the join again."""
    text = text.strip()
    customers = Customer.objects.filter(name__istartswith=text)
    ids = list(customers.values_list("pk", flat=True)[: SEARCH_CUSTOMERS_MAX + 1])
    by_customer = Q(customer_id__in=ids) if len(ids) <= SEARCH_CUSTOMERS_MAX else Q(customer__name__istartswith=text)
    return Q(number__istartswith=text) | by_customer
