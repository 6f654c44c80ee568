"""Small sales and pipeline histories for the analytics tests, written in bulk, every figure countable by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from sales.models import Opportunity, Order, OrderLine, Product, Stage, StageChange
from tests.factories.customers import CustomerFactory
from tests.factories.sales import ProductFactory

END = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
_numbers = count(1)


def sale(
    customer,
    when: datetime,
    lines: list[tuple[Product, int, str]],
    *,
    status: str = Order.Status.PAID,
    kind: str = Order.Kind.ORDER,
    country: str = "GB",
) -> Order:
    """One order of `customer` with (product, quantity, unit price) lines."""
    order = Order.objects.create(
        number=f"A-{next(_numbers):07d}",
        customer=customer,
        ordered_at=when,
        status=status,
        kind=kind,
        ship_to_country=country,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, product=product, quantity=qty, unit_price=Decimal(price))
            for product, qty, price in lines
        ]
    )
    return order


def sales_history(*, owner, customers: int = 40, days: int = 420, seed: int = 7) -> dict:
    """`customers` customers of `owner` buying over the `days` days before END: each at its own pace, a third of
    them stopping at some point (so churn has both outcomes), with products A and B usually bought together and C
    now and then. Returns the customers, the products and the orders."""
    rng = random.Random(seed)
    a, b, c, d = (
        ProductFactory(sku=f"HIST-{name}", name=f"Product {name}", category=category)
        for name, category in (
            ("A", "Garden"),
            ("B", "Garden"),
            ("C", "Kitchen"),
            ("D", "Kitchen"),
        )
    )
    people = [CustomerFactory(owner=owner, name=f"History customer {n:02d}", country="GB") for n in range(customers)]
    orders, lines = [], []
    start = END - timedelta(days=days)
    for person in people:
        gap = rng.uniform(6, 40)
        stops = start + timedelta(days=rng.uniform(days * 0.3, days)) if rng.random() < 0.35 else END
        when = start + timedelta(days=rng.uniform(0, 30), hours=rng.uniform(8, 18))
        while when < stops:
            order = Order(
                number=f"H-{next(_numbers):07d}",
                customer=person,
                ordered_at=when,
                status=Order.Status.PAID,
                ship_to_country="GB",
            )
            basket = [(a, rng.randint(1, 5)), (b, rng.randint(1, 3))] if rng.random() < 0.7 else [(d, 1)]
            if rng.random() < 0.3:
                basket.append((c, rng.randint(1, 4)))
            orders.append((order, basket))
            when += timedelta(days=rng.expovariate(1 / gap) + 1)
    Order.objects.bulk_create([order for order, _basket in orders], batch_size=500)
    saved = dict(Order.objects.filter(number__startswith="H-").values_list("number", "pk"))
    for order, basket in orders:
        for product, quantity in basket:
            lines.append(
                OrderLine(
                    order_id=saved[order.number], product=product, quantity=quantity, unit_price=product.unit_price
                )
            )
    OrderLine.objects.bulk_create(lines, batch_size=1000)
    return {"customers": people, "products": (a, b, c, d), "orders": [order for order, _basket in orders]}


def pipeline_history(*, owner, closed: int = 40, open_: int = 6, seed: int = 3) -> list[Opportunity]:
    """Opportunities of `owner`'s customers that moved through the open stages and were won (the bigger, busier
    ones, mostly) or lost, and a few still open; each with its stage changes."""
    rng = random.Random(seed)
    stages = {stage.code: stage for stage in Stage.objects.all()}
    opened = [stage for stage in Stage.objects.filter(outcome=Stage.Outcome.OPEN).order_by("position")]
    won, lost = stages["won"], stages["lost"]
    made = []
    for n in range(closed + open_):
        customer = CustomerFactory(owner=owner, name=f"Pipeline customer {n:02d}")
        created = END - timedelta(days=300 - n * 5)
        reached = rng.randint(1, len(opened))
        is_closed = n < closed
        wins = is_closed and rng.random() < (0.25 + 0.6 * (reached / len(opened)))
        final = (won if wins else lost) if is_closed else opened[reached - 1]
        closed_at = created + timedelta(days=10 * reached + rng.randint(1, 9)) if is_closed else None
        opportunity = Opportunity.objects.create(
            customer=customer,
            owner=owner,
            title=f"Deal {n:02d}",
            amount=Decimal(rng.randint(1, 50) * 1000),
            stage=final,
            probability=final.probability,
            closed_at=closed_at,
            lost_reason="" if final != lost else "Price",
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(created_at=created)
        moves = [
            StageChange(opportunity=opportunity, from_stage=None, to_stage=opened[0], changed_at=created),
            *[
                StageChange(
                    opportunity=opportunity,
                    from_stage=opened[i - 1],
                    to_stage=opened[i],
                    changed_at=created + timedelta(days=10 * i),
                )
                for i in range(1, reached)
            ],
        ]
        if is_closed:
            moves.append(
                StageChange(
                    opportunity=opportunity, from_stage=opened[reached - 1], to_stage=final, changed_at=closed_at
                )
            )
        StageChange.objects.bulk_create(moves)
        made.append(opportunity)
    return made
