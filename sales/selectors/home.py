"""The home page's numbers: a salesperson's day and month, or, for a manager, their teams' (per member), or, for an
administrator, the whole company's.

Everything is counted and added up by the database, each in one grouped query (tasks per owner; won, closing and
open amounts per owner and currency), and the lists are short and ordered by an index, so the page reads the same
few queries (about seven, and the people once) however many tasks, opportunities and customers there are. "Today"
and "this month" are the user's (the active time zone).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from accounts import reach
from accounts.roles import SALES_MANAGER, SALES_REP
from crm.timezones import day_start, month_start, next_month
from customers.models import Customer
from sales.models import Opportunity, Quota, Stage, Task
from sales.selectors.opportunities import opportunity_scope
from sales.selectors.tasks import attach_links, task_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

User = get_user_model()

# Rows each list of the home page shows; its "all" link opens the full list.
LIST_ROWS = 8
# A lead counts as new for this many days.
NEW_LEAD_DAYS = 30

MINE, TEAM, COMPANY = "mine", "team", "company"


@dataclass
class Money:
    """Amounts by currency: never added across currencies."""

    by_currency: dict[str, Decimal] = field(default_factory=dict)

    def add(self, currency: str, amount: Decimal | None) -> None:
        if amount:
            self.by_currency[currency] = self.by_currency.get(currency, Decimal(0)) + amount

    def get(self, currency: str) -> Decimal:
        return self.by_currency.get(currency, Decimal(0))

    def items(self) -> list[tuple[str, Decimal]]:
        return sorted(self.by_currency.items())

    def __bool__(self) -> bool:
        return bool(self.by_currency)


@dataclass
class Attainment:
    """Won this month against the quota: the quota's currency counts; won amounts in other currencies are shown
    apart, never converted."""

    won: Money
    quota: Money

    @property
    def currency(self) -> str:
        currencies = list(self.quota.by_currency)
        return currencies[0] if len(currencies) == 1 else ""

    @property
    def quota_amount(self) -> Decimal | None:
        return self.quota.get(self.currency) if self.currency else None

    @property
    def won_amount(self) -> Decimal:
        return self.won.get(self.currency) if self.currency else Decimal(0)

    @property
    def percent(self) -> int | None:
        """Whole percent of the quota won (None without a quota in one currency, or a zero quota)."""
        if not self.quota_amount:
            return None
        return int(self.won_amount * 100 / self.quota_amount)

    @property
    def bar_value(self) -> Decimal:
        """The progress bar's value: the won amount, the bar being full at the quota."""
        return min(self.won_amount, self.quota_amount or Decimal(0))

    @property
    def other_won(self) -> list[tuple[str, Decimal]]:
        return [(currency, amount) for currency, amount in self.won.items() if currency != self.currency]


@dataclass
class PersonRow:
    """One member of the team on a manager's home page."""

    person: AbstractBaseUser
    attainment: Attainment
    pipeline: Money
    overdue: int = 0


@dataclass
class HomeSummary:
    scope: str
    today: date
    month: date
    overdue_tasks: list[Task]
    overdue_count: int
    today_tasks: list[Task]
    today_count: int
    closing: list[Opportunity]
    closing_count: int
    closing_total: Money
    attainment: Attainment
    pipeline: Money
    leads: list[Customer] | None
    more_leads: bool
    leads_since: date
    people: list[PersonRow]

    @property
    def for_team(self) -> bool:
        return self.scope != MINE

    @property
    def month_value(self) -> str:
        """The month as the board's filter reads it (2026-12)."""
        return f"{self.month:%Y-%m}"


def _people(user: AbstractBaseUser, owners: list[int] | None, with_data: set[int], month: date) -> list:
    """The people of the per-member table, each with their quota of `month` (`quota_amount`, `quota_currency`) read
    in the same query: a manager's teams (and themselves when they have numbers of their own), or, for the whole
    company, everyone in a sales role or with numbers."""
    if owners is None:
        people = User.objects.filter(
            Q(pk__in=with_data) | Q(is_active=True, groups__name__in=[SALES_REP, SALES_MANAGER])
        )
    else:
        people = User.objects.filter(
            Q(pk__in=[pk for pk in owners if pk != user.pk], is_active=True) | Q(pk__in=with_data)
        )
    quota = Quota.objects.filter(rep=OuterRef("pk"), month=month)
    return list(
        User.objects.filter(pk__in=people.values("pk"))
        .annotate(
            quota_amount=Subquery(quota.values("amount")[:1]), quota_currency=Subquery(quota.values("currency")[:1])
        )
        .order_by("first_name", "last_name", "username")
    )


def _task_lists(tasks, *, now: datetime, tomorrow: datetime) -> tuple[list[Task], list[Task]]:
    open_tasks = tasks.filter(done_at__isnull=True).select_related("customer", "opportunity")
    overdue = list(open_tasks.filter(due_at__lt=now).order_by("due_at", "id")[:LIST_ROWS])
    later = list(open_tasks.filter(due_at__gte=now, due_at__lt=tomorrow).order_by("due_at", "id")[:LIST_ROWS])
    return overdue, later


def home_summary_for(*, user: AbstractBaseUser, now: datetime | None = None) -> HomeSummary:
    """What the home page shows `user`: their own day and month, their teams' for a manager (with a row per member),
    the company's for an administrator. Counts and sums come from the database."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tomorrow = day_start(today + timedelta(days=1))
    month, following = month_start(today), next_month(today)
    month_begins, month_ends = day_start(month), day_start(following)
    owners = reach.owner_ids(user, domain="sales")
    scope = COMPANY if owners is None else (MINE if owners == [user.pk] else TEAM)

    # Tasks: how many are overdue and due later today, per owner; then the first of each.
    tasks = task_scope(user=user)
    counts = (
        tasks.filter(done_at__isnull=True, due_at__lt=tomorrow)
        .values("owner_id")
        .annotate(overdue=Count("id", filter=Q(due_at__lt=now)), later=Count("id", filter=Q(due_at__gte=now)))
        .order_by()
    )
    overdue_by_owner = {}
    today_count = 0
    for row in counts:
        overdue_by_owner[row["owner_id"]] = row["overdue"]
        today_count += row["later"]
    overdue_tasks, today_tasks = _task_lists(tasks, now=now, tomorrow=tomorrow)

    # Opportunities: won this month, closing this month and open, per owner and currency, in one grouped query.
    opportunities = opportunity_scope(user=user)
    is_open = Q(stage__outcome=Stage.Outcome.OPEN)
    won_this_month = Q(stage__outcome=Stage.Outcome.WON, closed_at__gte=month_begins, closed_at__lt=month_ends)
    closing_this_month = is_open & Q(expected_close_date__gte=month, expected_close_date__lt=following)
    totals = (
        opportunities.filter(is_open | won_this_month)
        .values("owner_id", "currency")
        .annotate(
            won=Sum("amount", filter=won_this_month),
            pipeline=Sum("amount", filter=is_open),
            closing=Sum("amount", filter=closing_this_month),
            closing_count=Count("id", filter=closing_this_month),
        )
        .order_by()
    )
    won, pipeline, closing_total = Money(), Money(), Money()
    won_by_owner: dict[int, Money] = defaultdict(Money)
    pipeline_by_owner: dict[int, Money] = defaultdict(Money)
    closing_count = 0
    for row in totals:
        won.add(row["currency"], row["won"])
        pipeline.add(row["currency"], row["pipeline"])
        closing_total.add(row["currency"], row["closing"])
        won_by_owner[row["owner_id"]].add(row["currency"], row["won"])
        pipeline_by_owner[row["owner_id"]].add(row["currency"], row["pipeline"])
        closing_count += row["closing_count"]
    closing = list(
        opportunities.filter(closing_this_month)
        .select_related("customer", "stage")
        .order_by("expected_close_date", "id")[:LIST_ROWS]
    )

    # New leads: customers in the lead stage owned by the user (or their teams), created in the last 30 days.
    leads, more_leads = None, False
    leads_since = today - timedelta(days=NEW_LEAD_DAYS)
    if user.has_perm("customers.view_customer"):
        found = reach.scope(Customer, user=user).filter(
            lifecycle_stage=Customer.Stage.LEAD, created_at__gte=day_start(leads_since)
        )
        if owners is not None:
            found = found.filter(owner_id__in=owners)
        rows = list(found.order_by("-created_at", "-id")[: LIST_ROWS + 1])
        leads, more_leads = rows[:LIST_ROWS], len(rows) > LIST_ROWS

    # People and quotas.
    quota = Money()
    people: list[PersonRow] = []
    if scope == MINE:
        own = Quota.objects.filter(rep=user, month=month).first()
        if own is not None:
            quota.add(own.currency, own.amount)
        by_id = {user.pk: user}
    else:
        with_data = set(overdue_by_owner) | set(won_by_owner)
        found_people = _people(user, owners, with_data, month)
        by_id = {person.pk: person for person in found_people}
        for person in found_people:
            own_quota = Money()
            if person.quota_amount is not None:
                own_quota.add(person.quota_currency, person.quota_amount)
                quota.add(person.quota_currency, person.quota_amount)
            people.append(
                PersonRow(
                    person=person,
                    attainment=Attainment(won=won_by_owner.get(person.pk, Money()), quota=own_quota),
                    pipeline=pipeline_by_owner.get(person.pk, Money()),
                    overdue=overdue_by_owner.get(person.pk, 0),
                )
            )
        people.sort(key=lambda row: (row.attainment.percent is None, -(row.attainment.percent or 0)))
    # Owners come from the people already read: no join with the users table, no query per row.
    for record in [*overdue_tasks, *today_tasks, *closing, *(leads or [])]:
        record.owner_shown = by_id.get(record.owner_id)
    attach_links([*overdue_tasks, *today_tasks], user=user)
    return HomeSummary(
        scope=scope,
        today=today,
        month=month,
        overdue_tasks=overdue_tasks,
        overdue_count=sum(overdue_by_owner.values()),
        today_tasks=today_tasks,
        today_count=today_count,
        closing=closing,
        closing_count=closing_count,
        closing_total=closing_total,
        attainment=Attainment(won=won, quota=quota),
        pipeline=pipeline,
        leads=leads,
        more_leads=more_leads,
        leads_since=leads_since,
        people=people,
    )
