"""The demo's sales, seeded after its customers by `manage.py seed_demo`: one step per kind of record, run in order,
each a function given the plan (what the command was asked for) and returning how many of its kinds it created.

A kind that hangs off others (quotes off opportunities, tasks off customers and opportunities) adds its step to
SEED_STEPS after the steps it needs, for example `SeedStep("quotes", _quotes)` with

    def _quotes(plan: SalesSeedPlan) -> dict[str, int]:
        ...  # plan.counts.get("quotes"), plan.seed, plan.now, plan.progress
        return {"quotes": created}

and, for a size to choose, an option on seed_demo filling `plan.counts["quotes"]`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from sales.demo.catalogue import products_seed
from sales.demo.opportunities import opportunities_seed
from sales.demo.orders import orders_seed
from sales.demo.work import quotas_seed, tasks_seed

__all__ = [
    "SEED_STEPS",
    "SalesSeedPlan",
    "SeedStep",
    "opportunities_seed",
    "orders_seed",
    "quotas_seed",
    "sales_seed",
    "tasks_seed",
]


@dataclass
class SalesSeedPlan:
    """How much of each kind to seed. `opportunities` None: a few for each prospect and customer without any."""

    products: int = 120
    opportunities: int | None = None
    order_lines: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # for the steps of other kinds (quotes, tasks)
    seed: int = 2026
    now: datetime = field(default_factory=timezone.now)
    progress: Callable[[str, int], None] | None = None  # (kind, how many so far), for long runs

    def report(self, kind: str) -> Callable[[int], None] | None:
        return (lambda done: self.progress(kind, done)) if self.progress else None


@dataclass(frozen=True)
class SeedStep:
    name: str
    run: Callable[[SalesSeedPlan], dict[str, int]]


def _products(plan: SalesSeedPlan) -> dict[str, int]:
    return {"products": products_seed(count=plan.products, seed=plan.seed)}


def _opportunities(plan: SalesSeedPlan) -> dict[str, int]:
    created = opportunities_seed(
        count=plan.opportunities, seed=plan.seed, now=plan.now, progress=plan.report("opportunities")
    )
    return {"opportunities": created}


def _orders(plan: SalesSeedPlan) -> dict[str, int]:
    orders, lines = orders_seed(
        lines=plan.order_lines, seed=plan.seed, now=plan.now, progress=plan.report("order lines")
    )
    return {"orders": orders, "order lines": lines}


def _work(plan: SalesSeedPlan) -> dict[str, int]:
    """Each salesperson's tasks and the reps' quotas (sales.demo.work)."""
    return {"tasks": tasks_seed(seed=plan.seed, now=plan.now), "quotas": quotas_seed(seed=plan.seed)}


SEED_STEPS: list[SeedStep] = [
    SeedStep("products", _products),
    SeedStep("opportunities", _opportunities),
    SeedStep("orders", _orders),
    SeedStep("tasks and quotas", _work),
]


def sales_seed(plan: SalesSeedPlan) -> list[tuple[str, int, float]]:
    """Run every step of SEED_STEPS in order; returns (kind, how many created, seconds the step took) per kind."""
    results = []
    for step in SEED_STEPS:
        started = time.monotonic()
        counts = step.run(plan)
        took = time.monotonic() - started
        results.extend((kind, created, took) for kind, created in counts.items())
    return results
