"""Demo opportunities: for each prospect and customer, a few opportunities that went through the pipeline's open
stages in order, spent believable days in each, and ended won, lost or still open. Inserted in bulk, ids assigned
up front, so the stage changes need no read-back."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

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
# How many opportunities a customer has, by lifecycle stage.
PER_CUSTOMER = {
    Customer.Stage.PROSPECT: (1, 2),
    Customer.Stage.CUSTOMER: (1, 3),
    Customer.Stage.CHURNED: (1, 1),
}
WIN_SHARE = 0.4  # of the closed opportunities


def _next_id(model) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def opportunities_seed(*, seed: int = 2026, now: datetime | None = None, batch_size: int = 2000) -> int:
    """Give every live prospect, customer and churned customer that has no opportunity a few, with their stage
    histories; about 40% of those closed are won. Returns how many were created. Each batch is one transaction."""
    rng = random.Random(seed)
    now = now or timezone.now()
    stages = list(Stage.objects.order_by("position", "id"))
    open_stages = [s for s in stages if s.is_open]
    won = next((s for s in stages if s.outcome == Stage.Outcome.WON), None)
    lost = next((s for s in stages if s.outcome == Stage.Outcome.LOST), None)
    if not open_stages or won is None or lost is None:
        return 0
    has_one = Opportunity.all_objects.filter(customer=OuterRef("pk"))
    customers = (
        Customer.objects.filter(lifecycle_stage__in=list(PER_CUSTOMER))
        .exclude(Exists(has_one))
        .order_by("pk")
        .values_list("pk", "owner_id", "lifecycle_stage", "source")
    )
    created = 0
    batch: list[tuple] = []
    for row in customers.iterator(chunk_size=batch_size):
        batch.append(row)
        if len(batch) >= batch_size:
            created += _seed_batch(batch, rng=rng, now=now, open_stages=open_stages, won=won, lost=lost)
            batch = []
    if batch:
        created += _seed_batch(batch, rng=rng, now=now, open_stages=open_stages, won=won, lost=lost)
    return created


@transaction.atomic
def _seed_batch(rows, *, rng, now, open_stages, won, lost) -> int:
    next_opportunity, next_change = _next_id(Opportunity), _next_id(StageChange)
    opportunities, changes, created_at = [], [], {}
    for customer_id, owner_id, lifecycle, source in rows:
        low, high = PER_CUSTOMER[lifecycle]
        for _ in range(rng.randint(low, high)):
            start = now - timedelta(days=rng.randint(5, 540), hours=rng.randint(0, 23))
            # Older opportunities are more likely to be closed; a churned customer's last one was lost.
            age_days = (now - start).days
            closing = lifecycle == Customer.Stage.CHURNED or rng.random() < min(0.75, age_days / 365)
            final = (won if rng.random() < WIN_SHARE else lost) if closing else None
            reached = (
                rng.randint(len(open_stages) - 1, len(open_stages))
                if final is won
                else rng.randint(1, len(open_stages))
            )
            path = open_stages[:reached] + ([final] if final else [])
            # The time since it was opened, shared out between the stages it went through.
            gaps = [rng.uniform(1, 4) for _ in path[1:]]
            share = (now - start) * rng.uniform(0.4, 0.95) / (sum(gaps) or 1)
            when, previous, previous_at = start, None, None
            pk = next_opportunity
            next_opportunity += 1
            for position, stage in enumerate(path):
                if position:
                    when = when + share * gaps[position - 1]
                days = (
                    Decimal((when - previous_at).total_seconds() / 86400).quantize(Decimal("0.01"))
                    if previous_at
                    else None
                )
                changes.append(
                    StageChange(
                        id=next_change,
                        opportunity_id=pk,
                        from_stage=previous,
                        to_stage=stage,
                        changed_at=when,
                        changed_by_id=owner_id,
                        days_in_previous=days,
                    )
                )
                next_change += 1
                previous, previous_at = stage, when
            stage = path[-1]
            amount = Decimal(round(rng.lognormvariate(9.3, 0.9), -2) or 500).quantize(Decimal("0.01"))
            close = previous_at.date() if not stage.is_open else (now + timedelta(days=rng.randint(-10, 180))).date()
            opportunities.append(
                Opportunity(
                    id=pk,
                    customer_id=customer_id,
                    owner_id=owner_id,
                    title=rng.choice(TITLES),
                    amount=amount,
                    stage=stage,
                    probability=stage.probability,
                    expected_close_date=close,
                    source=source,
                    lost_reason=rng.choice(LOST_REASONS) if stage == lost else "",
                    next_step=rng.choice(NEXT_STEPS) if stage.is_open else "",
                    stage_entered_at=previous_at,
                    closed_at=None if stage.is_open else previous_at,
                )
            )
            created_at[pk] = start
    Opportunity.objects.bulk_create(opportunities)
    # bulk_create stamps created_at with the time of the insert; the demo backdates it to the first stage.
    for opportunity in opportunities:
        opportunity.created_at = created_at[opportunity.pk]
    Opportunity.objects.bulk_update(opportunities, ["created_at"], batch_size=500)
    StageChange.objects.bulk_create(changes, batch_size=2000)
    return len(opportunities)
