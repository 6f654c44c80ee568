"""Demo opportunities: for each prospect and customer, a few opportunities that went through the pipeline's open
stages in order, spent believable days in each, and ended won, lost or still open. Inserted in bulk, ids assigned
up front, so the stage changes need no read-back. Then each salesperson's tasks (some overdue, some due today, some
done) and the reps' quotas for this month and the two before."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from accounts.roles import SALES_MANAGER, SALES_REP
from crm.timezones import month_start, previous_month
from customers.models import Customer
from sales.models import Opportunity, Quota, Stage, StageChange, Task

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


TASK_SUBJECTS = (
    "Call back about the proposal",
    "Send the revised quote",
    "Book a demo with the team",
    "Follow up on the invoice",
    "Prepare the quarterly review",
    "Check in after the delivery",
    "Confirm the contract terms",
    "Introduce the new support plan",
)


def _salespeople():
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[SALES_REP, SALES_MANAGER])
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def tasks_seed(*, seed: int = 2026, now: datetime | None = None, per_person: int = 10) -> int:
    """Give each salesperson without tasks `per_person` of them about their customers and open opportunities: a few
    overdue (already reminded, so a demo's first reminder run tells nobody about last week), a few due later today,
    some in the coming days and some done. Returns how many were created."""
    rng = random.Random(seed)
    now = now or timezone.now()
    tasks = []
    for person in _salespeople():
        if Task.all_objects.filter(owner=person).exists():
            continue
        deals = list(
            Opportunity.objects.filter(owner=person, closed_at__isnull=True).values_list("pk", "customer_id")[:20]
        )
        customers = list(Customer.objects.filter(owner=person).values_list("pk", flat=True)[:20])
        if not deals and not customers:
            continue
        for number in range(per_person):
            kind = number % 5  # overdue, later today, coming days, coming days, done
            if kind == 0:
                due = now - timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 8))
            elif kind == 1:
                due = now + timedelta(minutes=rng.randint(20, 180))
            else:
                due = now + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
            if kind == 4:
                due = now - timedelta(days=rng.randint(1, 10))
            opportunity_id, customer_id = rng.choice(deals) if deals and rng.random() < 0.6 else (None, None)
            if customer_id is None and customers:
                customer_id = rng.choice(customers)
            tasks.append(
                Task(
                    subject=rng.choice(TASK_SUBJECTS),
                    due_at=due.replace(second=0, microsecond=0),
                    priority=rng.choice(["high", "normal", "normal", "low"]),
                    owner=person,
                    customer_id=customer_id,
                    opportunity_id=opportunity_id,
                    done_at=due if kind == 4 else None,
                    done_by=person if kind == 4 else None,
                    reminded_at=due if due <= now else None,
                )
            )
    Task.objects.bulk_create(tasks)
    return len(tasks)


def quotas_seed(*, seed: int = 2026, today=None) -> int:
    """Give each rep a quota for this month and the two before (round amounts in the site's currency), where they
    have none. Returns how many were created."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    rng = random.Random(seed)
    month = month_start(today or timezone.localdate())
    months = [month, previous_month(month), previous_month(previous_month(month))]
    reps = get_user_model().objects.filter(is_active=True, groups__name=SALES_REP).order_by("pk")
    have = set(Quota.objects.filter(month__in=months).values_list("rep_id", "month"))
    quotas = [
        Quota(
            rep=rep,
            month=each,
            amount=Decimal(rng.randrange(20_000, 60_001, 2_500)),
            currency=settings.CRM_DEFAULT_CURRENCY,
        )
        for rep in reps
        for each in months
        if (rep.pk, each) not in have
    ]
    return len(Quota.objects.bulk_create(quotas))
