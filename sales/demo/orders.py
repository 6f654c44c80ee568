"""Demo orders: customers (a few big buyers, many small ones) ordering from the demo catalogue over two years, their
baskets carrying the catalogue's groups of products bought together (sales.demo.catalogue), statuses that follow
the order's age, some won opportunities turned into their order, and a few returns. Plain rows inserted in bulk,
ids and numbers assigned up front (the numbering series moves past them, so orders made afterwards follow on)."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.demo import insert_rows, next_id
from customers.models import Customer
from sales.demo.catalogue import POPULARITY, SKU_PREFIX, affinity_groups, catalogue_items
from sales.models import Opportunity, Order, OrderLine, OrderNumberSequence, Product, Stage

ORDER_COLUMNS = [
    "id",
    "number",
    "kind",
    "customer_id",
    "opportunity_id",
    "original_id",
    "ordered_at",
    "ship_to_country",
    "status",
    "currency",
    "notes",
    "stock_moved",
    "total",
    "line_count",
    "created_at",
    "updated_at",
]
LINE_COLUMNS = ["id", "order_id", "product_id", "quantity", "unit_price", "discount_percent"]
# Per order: the chance of one group of products bought together, of a second, and of keeping each of a group's
# products; then how many odd items (weights for 0, 1, 2, ...): about 8 lines an order in all.
GROUP_CHANCE, SECOND_GROUP_CHANCE, KEEP_CHANCE = 0.6, 0.15, 0.85
EXTRA_ITEMS = (4, 6, 8, 9, 9, 8, 7, 6, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1)
RETURN_CHANCE = 0.015  # of delivered orders
DISCOUNTS = ((Decimal("0"), 80), (Decimal("5"), 10), (Decimal("10"), 7), (Decimal("15"), 3))
SPAN_DAYS = 730


@dataclass
class _Plan:
    """What the batches share: the catalogue, the buyers and the stage of the numbering series."""

    rng: random.Random
    now: datetime
    products: dict[int, Decimal]  # id → price
    groups: list[tuple[int, ...]]
    extras: list[int]
    extra_weights: list[float]
    customers: list[tuple]  # id, country, churned
    customer_weights: list[float]
    won: dict[int, list[tuple[int, datetime]]]  # customer id → won opportunities not yet ordered (id, closed)
    currency: str


def _plan(*, seed: int, now: datetime) -> _Plan | None:
    rng = random.Random(seed + 1)
    rows = list(Product.objects.filter(sku__startswith=SKU_PREFIX, active=True).values_list("pk", "sku", "unit_price"))
    customers = list(
        Customer.objects.filter(lifecycle_stage__in=[Customer.Stage.CUSTOMER, Customer.Stage.CHURNED])
        .order_by("pk")
        .values_list("pk", "country", "lifecycle_stage")
    )
    if not rows or not customers:
        return None
    by_sku = {sku: pk for pk, sku, _price in rows}
    items = catalogue_items(set(by_sku))
    groups = [tuple(by_sku[sku] for sku in group) for group in affinity_groups(items)]
    # Odd items: everyday categories far more often, and within a category the first models more than the last.
    extras = [by_sku[item.sku] for item in items]
    extra_weights = [POPULARITY.get(item.code, 1) / (1 + item.model / 8) for item in items]
    won: dict[int, list[tuple[int, datetime]]] = {}
    ordered = Order.all_objects.filter(opportunity=OuterRef("pk"))
    for pk, customer_id, closed in (
        Opportunity.objects.filter(stage__outcome=Stage.Outcome.WON)
        .exclude(Exists(ordered))
        .annotate(closed=Coalesce("closed_at", "stage_entered_at"))
        .values_list("pk", "customer_id", "closed")
    ):
        won.setdefault(customer_id, []).append((pk, closed))
    return _Plan(
        rng=rng,
        now=now,
        products={pk: price for pk, _sku, price in rows},
        groups=groups,
        extras=extras,
        extra_weights=list(itertools.accumulate(extra_weights)),
        customers=[(pk, str(country or ""), stage == Customer.Stage.CHURNED) for pk, country, stage in customers],
        # A few customers buy a lot, most a little (Pareto).
        customer_weights=list(itertools.accumulate(rng.paretovariate(1.2) for _ in customers)),
        won=won,
        currency=Order._meta.get_field("currency").get_default(),
    )


def _status(rng: random.Random, age_days: float) -> str:
    if age_days > 30:
        choices, weights = ("paid", "shipped", "confirmed", "cancelled"), (85, 7, 3, 5)
    elif age_days > 7:
        choices, weights = ("shipped", "confirmed", "paid", "cancelled"), (40, 30, 25, 5)
    else:
        choices, weights = ("draft", "confirmed", "shipped"), (30, 50, 20)
    return rng.choices(choices, weights)[0]


def _basket(plan: _Plan) -> list[tuple[int, int]]:
    """(product id, quantity) of one order: groups bought together, then odd items, each product once."""
    rng = plan.rng
    basket: dict[int, int] = {}
    for chance in (GROUP_CHANCE, SECOND_GROUP_CHANCE):
        if plan.groups and rng.random() < chance:
            group = rng.choice(plan.groups)
            quantity = max(1, int(rng.lognormvariate(0.3, 0.8)))  # as many docking stations as laptops
            kept = [pk for pk in group if rng.random() < KEEP_CHANCE] or list(group[:2])
            for pk in kept:
                basket.setdefault(pk, quantity)
    extras = rng.choices(range(len(EXTRA_ITEMS)), weights=EXTRA_ITEMS)[0] + (0 if basket else 1)
    for _ in range(extras):
        pk = plan.extras[bisect.bisect(plan.extra_weights, rng.random() * plan.extra_weights[-1])]
        basket.setdefault(pk, min(max(1, int(rng.lognormvariate(1, 1))), 200))
    return list(basket.items())


def _numbers(prefix: str, count: int) -> int:
    """Take `count` numbers of a series at once (under the series' row lock); returns the first."""
    sequence, _created = OrderNumberSequence.objects.select_for_update().get_or_create(prefix=prefix)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    return first


@dataclass
class _Draft:
    customer_id: int
    country: str
    when: datetime
    status: str
    opportunity: int | None
    basket: list[tuple[int, int]]
    returned: list[tuple[int, int]]  # what comes back on a return, if any
    returned_at: datetime | None = None
    pk: int | None = None
    discount: Decimal = Decimal(0)


def _draft(plan: _Plan, budget: int) -> _Draft:
    """One order of a customer picked by how much they buy, within `budget` lines (its return's included)."""
    rng, now = plan.rng, plan.now
    index = bisect.bisect(plan.customer_weights, rng.random() * plan.customer_weights[-1])
    customer_id, country, churned = plan.customers[min(index, len(plan.customers) - 1)]
    # A churned customer stopped ordering some months ago.
    latest = now - timedelta(days=200) if churned else now
    when = latest - timedelta(days=rng.uniform(0, SPAN_DAYS - 200 if churned else SPAN_DAYS))
    opportunity = None
    if not churned and plan.won.get(customer_id) and rng.random() < 0.5:
        opportunity, closed = plan.won[customer_id].pop()  # the order a won deal turned into
        when = min(closed + timedelta(days=rng.uniform(1, 20)), now - timedelta(minutes=5))
    status = _status(rng, (now - when).total_seconds() / 86400)
    basket = _basket(plan)[:budget]
    draft = _Draft(customer_id, country, when, status, opportunity, basket, [])
    if status in ("shipped", "paid") and (now - when).days > 14 and rng.random() < RETURN_CHANCE:
        room = budget - len(basket)
        draft.returned = rng.sample(basket, min(len(basket), rng.randint(1, 2), room))
        draft.returned_at = min(when + timedelta(days=rng.uniform(3, 30)), now - timedelta(minutes=5))
    return draft


def _batch(plan: _Plan, *, lines_wanted: int) -> tuple[int, int]:
    """Orders (and some returns) with `lines_wanted` lines in all, in one transaction."""
    rng = plan.rng
    db_time = connection.ops.adapt_datetimefield_value
    drafts, lines = [], 0
    while lines < lines_wanted:
        draft = _draft(plan, lines_wanted - lines)
        drafts.append(draft)
        lines += len(draft.basket) + len(draft.returned)
    returns = [draft for draft in drafts if draft.returned]
    with transaction.atomic():
        first_order, first_return = _numbers("SO", len(drafts)), _numbers("RT", len(returns))
        next_order, next_line = next_id(Order), next_id(OrderLine)
        order_rows, line_rows = [], []
        for offset, draft in enumerate(drafts):
            pk, moment = next_order + offset, db_time(draft.when)
            discount = draft.discount = rng.choices(*zip(*DISCOUNTS, strict=True))[0]
            total = Decimal(0)
            for product_id, quantity in draft.basket:
                price = plan.products[product_id]
                line_rows.append((next_line + len(line_rows), pk, product_id, quantity, price, discount))
                total += quantity * price * (100 - discount) / 100
            order_rows.append(
                (pk, f"SO-{first_order + offset:06d}", "order", draft.customer_id, draft.opportunity, None, moment)
                + (draft.country, draft.status, plan.currency, "", False, total, len(draft.basket), moment, moment)
            )
            draft.pk = pk
        for offset, draft in enumerate(returns):
            pk, moment = next_order + len(drafts) + offset, db_time(draft.returned_at)
            total = Decimal(0)
            for product_id, quantity in draft.returned:
                price = plan.products[product_id]
                line_rows.append((next_line + len(line_rows), pk, product_id, -quantity, price, draft.discount))
                total -= quantity * price * (100 - draft.discount) / 100
            status = rng.choice(("confirmed", "paid", "paid"))
            order_rows.append(
                (pk, f"RT-{first_return + offset:06d}", "return", draft.customer_id, None, draft.pk, moment)
                + (draft.country, status, plan.currency, "", False, total, len(draft.returned), moment, moment)
            )
        insert_rows(Order, ORDER_COLUMNS, order_rows)
        insert_rows(OrderLine, LINE_COLUMNS, line_rows)
    return len(order_rows), len(line_rows)


def orders_seed(
    *,
    lines: int,
    seed: int = 2026,
    now: datetime | None = None,
    batch_lines: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Add orders (and a few returns) with about `lines` order lines in all, for the live customers and churned
    customers, from the demo catalogue's active products. Each batch is one transaction. Returns (orders, lines)
    created; (0, 0) when there is no catalogue or no customer to order."""
    plan = _plan(seed=seed, now=now or timezone.now())
    if plan is None or lines <= 0:
        return 0, 0
    orders = done = 0
    while done < lines:
        made, written = _batch(plan, lines_wanted=min(batch_lines, lines - done))
        orders, done = orders + made, done + written
        if progress:
            progress(done)
        if not written:
            break
    return orders, done
