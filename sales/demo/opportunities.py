"""Demo opportunities that went through the pipeline's open stages in order, spent believable days in each, and
ended won, lost or still open: each stage loses some deals, a rep's skill and the lead's source move the odds,
so about two in five closed deals are won, referrals more often than cold calls. Inserted as plain rows in bulk,
ids assigned up front, so the stage changes need no read-back."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from customers.demo import insert_rows, next_id
from customers.models import Customer
from sales.models import Opportunity, Stage, StageChange

TITLES = (
    "Fleet telematics rollout",
    "Annual support renewal",
    "Warehouse scanners",
    "Cloud migration, phase 1",
    "Spare parts framework agreement",
    "Training programme",
    "Second site expansion",
    "Analytics add-on",
    "Hardware refresh",
    "Three-year service contract",
    "Pilot project",
    "Licence upgrade",
    "Laptops for the new office",
    "Printer fleet replacement",
    "Network upgrade",
    "Meeting room equipment",
)
LOST_REASONS = (
    "Chose a competitor",
    "Budget cut",
    "No decision",
    "Price too high",
    "Timing: revisit next year",
    "Went with in-house solution",
)
NEXT_STEPS = ("Send proposal", "Call the buyer", "Demo for the team", "Agree on terms", "Check budget", "")
# How many opportunities a customer has, by lifecycle stage, when each customer without one gets some.
PER_CUSTOMER = {
    Customer.Stage.PROSPECT: (1, 2),
    Customer.Stage.CUSTOMER: (1, 3),
    Customer.Stage.CHURNED: (1, 1),
}
# Of the deals leaving each open stage (in pipeline order), the share lost there; the rest move on, and those
# leaving the last open stage are won. 0.25, 0.2, 0.2 and 0.3 give about 34% won of those closed, before the
# rep's and the source's odds.
DROP_OFF = (0.25, 0.2, 0.2, 0.3)
# Median days spent in each open stage (log-normal around it).
DWELL_DAYS = (6, 12, 18, 15)
SOURCE_ODDS = {"referral": 1.5, "partner": 1.3, "event": 1.1, "cold_call": 0.7, "advertising": 0.85}
OPPORTUNITY_COLUMNS = [
    "id",
    "customer_id",
    "owner_id",
    "title",
    "amount",
    "currency",
    "stage_id",
    "probability",
    "expected_close_date",
    "source",
    "lost_reason",
    "next_step",
    "stage_entered_at",
    "closed_at",
    "created_at",
    "updated_at",
]
CHANGE_COLUMNS = [
    "id",
    "opportunity_id",
    "from_stage_id",
    "to_stage_id",
    "changed_at",
    "changed_by_id",
    "days_in_previous",
]


class _Pipeline:
    """The stages a demo deal walks through, and how one walk goes."""

    def __init__(self, rng: random.Random, now: datetime, stages: list[Stage]):
        self.rng, self.now = rng, now
        self.open = [s for s in stages if s.is_open]
        self.won = next(s for s in stages if s.outcome == Stage.Outcome.WON)
        self.lost = next(s for s in stages if s.outcome == Stage.Outcome.LOST)
        self.currency = Opportunity._meta.get_field("currency").get_default()
        self.skill: dict[int, float] = {}

    def walk(self, *, owner_id: int, source: str, churned: bool, start: datetime) -> list[tuple[Stage, datetime]]:
        """The stages entered and when, from `start`: on through the open stages until lost, won, or today."""
        rng = self.rng
        skill = self.skill.setdefault(owner_id, rng.uniform(0.75, 1.3))  # some reps close more than others
        odds = skill * SOURCE_ODDS.get(source, 1.0) * (0.4 if churned else 1.0)
        path, when = [(self.open[0], start)], start
        for position in range(len(self.open)):
            median = DWELL_DAYS[min(position, len(DWELL_DAYS) - 1)]
            when = when + timedelta(days=rng.lognormvariate(0, 0.6) * median, hours=rng.uniform(0, 8))
            if when >= self.now:
                break  # still in this stage today
            drop = DROP_OFF[min(position, len(DROP_OFF) - 1)]
            if rng.random() < min(drop / odds, 0.95):
                path.append((self.lost, when))
                break
            path.append((self.open[position + 1] if position + 1 < len(self.open) else self.won, when))
        return path


def _rows(
    pipeline: _Pipeline, customer: tuple, *, pk: int, next_change: int, db_time: Callable
) -> tuple[tuple, list[tuple]]:
    """One opportunity of `customer` (id, owner id, lifecycle stage, source) and its stage changes, as rows."""
    rng, now = pipeline.rng, pipeline.now
    customer_id, owner_id, lifecycle, source = customer
    start = now - timedelta(days=rng.uniform(2, 720))
    path = pipeline.walk(owner_id=owner_id, source=source, churned=lifecycle == Customer.Stage.CHURNED, start=start)
    changes, previous = [], None
    for offset, (stage, when) in enumerate(path):
        days = Decimal((when - previous[1]).total_seconds() / 86400).quantize(Decimal("0.01")) if previous else None
        changes.append(
            (next_change + offset, pk, previous[0].pk if previous else None, stage.pk, db_time(when), owner_id, days)
        )
        previous = (stage, when)
    stage, entered = path[-1]
    amount = Decimal(round(rng.lognormvariate(9.3, 0.9), -2) or 500).quantize(Decimal("0.01"))
    if stage.is_open:
        close = (now + timedelta(days=rng.randint(-10, 180))).date()
    else:
        close = entered.date()
    row = (
        pk,
        customer_id,
        owner_id,
        rng.choice(TITLES),
        amount,
        pipeline.currency,
        stage.pk,
        stage.probability,
        close,
        source,
        rng.choice(LOST_REASONS) if stage.outcome == Stage.Outcome.LOST else "",
        rng.choice(NEXT_STEPS) if stage.is_open else "",
        db_time(entered),
        None if stage.is_open else db_time(entered),
        db_time(start),
        db_time(entered),
    )
    return row, changes


def _insert(pipeline: _Pipeline, customers: list[tuple]) -> int:
    """One opportunity per entry of `customers` (a customer may come more than once), in one transaction."""
    db_time = connection.ops.adapt_datetimefield_value
    with transaction.atomic():
        next_opportunity, next_change = next_id(Opportunity), next_id(StageChange)
        opportunities, changes = [], []
        for offset, customer in enumerate(customers):
            row, steps = _rows(
                pipeline,
                customer,
                pk=next_opportunity + offset,
                next_change=next_change + len(changes),
                db_time=db_time,
            )
            opportunities.append(row)
            changes.extend(steps)
        insert_rows(Opportunity, OPPORTUNITY_COLUMNS, opportunities)
        insert_rows(StageChange, CHANGE_COLUMNS, changes)
    return len(opportunities)


def opportunities_seed(
    *,
    count: int | None = None,
    seed: int = 2026,
    now: datetime | None = None,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Seed opportunities with their stage histories, owned by their customers' owners. Without `count`, every live
    prospect, customer and churned customer that has none gets a few (so running it again adds nothing); with
    `count`, that many are added for customers picked at random among them (customers more often than
    prospects). Each batch is one transaction. Returns how many were created."""
    rng = random.Random(seed)
    stages = list(Stage.objects.order_by("position", "id"))
    if not any(s.is_open for s in stages) or {Stage.Outcome.WON, Stage.Outcome.LOST} - {s.outcome for s in stages}:
        return 0
    pipeline = _Pipeline(rng, now or timezone.now(), stages)
    customers = Customer.objects.filter(lifecycle_stage__in=list(PER_CUSTOMER)).order_by("pk")
    if count is None:
        customers = customers.exclude(Exists(Opportunity.all_objects.filter(customer=OuterRef("pk"))))
    rows = list(customers.values_list("pk", "owner_id", "lifecycle_stage", "source"))
    if not rows:
        return 0
    if count is None:
        picked = [row for row in rows for _ in range(rng.randint(*PER_CUSTOMER[row[2]]))]
    else:
        weights = [3 if row[2] == Customer.Stage.CUSTOMER else 1 for row in rows]
        picked = rng.choices(rows, weights=weights, k=count)
    created = 0
    for start in range(0, len(picked), batch_size):
        created += _insert(pipeline, picked[start : start + batch_size])
        if progress:
            progress(created)
    return created
