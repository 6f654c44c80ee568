"""Demo tasks and quotas: each salesperson's tasks (some overdue, some due today, some done) about their customers
and open opportunities, and the reps' quotas for this month and the two before."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.roles import SALES_MANAGER, SALES_REP
from crm.timezones import month_start, previous_month
from customers.models import Customer
from sales.models import Opportunity, Quota, Task

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
