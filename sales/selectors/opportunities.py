"""Reads for opportunity pages and the pipeline board. Every read scopes through accounts.reach (the "sales"
domain): reps reach their own opportunities, managers their teams', administrators all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Round

from accounts import reach
from accounts.models import Team
from sales.models import Opportunity, OpportunityLine, Order, Stage, StageChange
from sales.selectors.orders import line_net

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from customers.models import Customer

User = get_user_model()

# Cards per column: the board reads at most this many per stage, whatever the pipeline holds; the column's link
# ("and 1,234 more") opens the rest in the list. 25 rather than 50: reading and writing a card costs about 0.15 ms,
# which at 50 cards a column took a manager's board past 50 ms at 200,000 opportunities.
BOARD_CARDS_PER_COLUMN = 25
BOARD_CARD_FIELDS = ("title", "amount", "currency", "expected_close_date", "stage", "version", "customer", "owner")


def opportunity_scope(*, user: AbstractBaseUser, write: bool = False) -> QuerySet[Opportunity]:
    """The opportunities `user` may read (or change, with write=True)."""
    return reach.scope(Opportunity, user=user, write=write)


def opportunity_get_for(*, user: AbstractBaseUser, pk: int, write: bool = False) -> Opportunity:
    """One opportunity within reach, customer, stage and owner preloaded; Http404 otherwise."""
    return reach.get_for(
        Opportunity.objects.select_related("customer", "stage", "owner", "contact"), user=user, write=write, pk=pk
    )


def opportunity_list_for(*, user: AbstractBaseUser) -> QuerySet[Opportunity]:
    """The user's opportunities for the list page and the export, with what each row shows preloaded.

    The stage and the owner are prefetched, not joined: with those small tables in the JOIN, MariaDB started from
    them and sorted every reachable opportunity before returning the first page (1.2 s for a manager at 220,000
    opportunities); the customer is joined by its primary key, one row per opportunity of the page.
    """
    return opportunity_scope(user=user).select_related("customer").prefetch_related("stage", "owner")


def opportunity_stage_changes(*, opportunity: Opportunity) -> list[StageChange]:
    """The opportunity's stage history, oldest first."""
    return list(opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by"))


def opportunity_lines(*, opportunity: Opportunity) -> QuerySet[OpportunityLine]:
    """The opportunity's line items with their product and each line's `gross` and `net` amount computed by the
    database."""
    from sales.selectors.quotes import line_gross

    return opportunity.lines.select_related("product").annotate(gross=line_gross(), net=line_net()).order_by("id")


@dataclass(frozen=True)
class LineTotals:
    count: int
    subtotal: Decimal
    discount: Decimal
    net: Decimal


def opportunity_line_totals(*, opportunity: Opportunity) -> LineTotals:
    """How many lines the opportunity has and their subtotal, discount and net total (what its amount follows),
    summed and rounded to cents by the database in one query."""
    from sales.selectors.quotes import CENTS_FIELD, line_gross

    sums = OpportunityLine.objects.filter(opportunity=opportunity).aggregate(
        count=Count("id"),
        subtotal=Round(Coalesce(Sum(line_gross()), Decimal("0")), 2, output_field=CENTS_FIELD),
        net=Round(Coalesce(Sum(line_net()), Decimal("0")), 2, output_field=CENTS_FIELD),
    )
    return LineTotals(
        count=sums["count"], subtotal=sums["subtotal"], discount=sums["subtotal"] - sums["net"], net=sums["net"]
    )


def opportunity_orders(*, opportunity: Opportunity, user: AbstractBaseUser) -> list[Order]:
    """The orders of the opportunity (its won quote's, or linked by hand) that the user reaches, newest first, with
    their stored totals."""
    from sales.selectors.orders import order_scope

    orders = order_scope(user=user).filter(opportunity=opportunity).select_related("quote").order_by("-ordered_at")
    return list(orders[:20])


def customer_opportunities_summary(*, customer: Customer, user: AbstractBaseUser, limit: int = 5) -> dict | None:
    """For the customer page: the customer's open opportunities the user reaches (soonest close first, stage
    preloaded) and how many of them are open, won and lost, in two queries; None when the user may not see
    opportunities."""
    if not user.has_perm("sales.view_opportunity"):
        return None
    reached = opportunity_scope(user=user).filter(customer=customer)
    counts = dict(reached.order_by().values_list("stage__outcome").annotate(n=Count("id")))
    open_rows = (
        reached.filter(stage__outcome=Stage.Outcome.OPEN)
        .select_related("stage")
        .order_by(Coalesce("expected_close_date", Value(date(9999, 12, 31))), "id")[:limit]
    )
    return {
        "open": list(open_rows) if counts.get(Stage.Outcome.OPEN) else [],
        "open_count": counts.get(Stage.Outcome.OPEN, 0),
        "won_count": counts.get(Stage.Outcome.WON, 0),
        "lost_count": counts.get(Stage.Outcome.LOST, 0),
    }


def customer_timeline_stage_changes(customer: Customer, user: AbstractBaseUser) -> QuerySet[StageChange] | None:
    """For the customer's timeline (customers.timeline): when each of the customer's opportunities the user reaches
    was opened, won or lost, newest first, with the opportunity, the stage and who moved it; None without
    sales.view_opportunity. Moves between open stages stay on the opportunity's page."""
    if not user.has_perm("sales.view_opportunity"):
        return None
    return (
        StageChange.objects.filter(opportunity__in=opportunity_scope(user=user).filter(customer=customer).values("pk"))
        .filter(Q(from_stage__isnull=True) | ~Q(to_stage__outcome=Stage.Outcome.OPEN))
        .select_related("opportunity", "to_stage", "changed_by")
        .order_by("-changed_at", "-id")
    )


def sales_owners_for(*, user: AbstractBaseUser) -> QuerySet:
    """Active users `user` may assign opportunities to (and filter lists and the board by)."""
    owner_ids = reach.owner_ids(user, domain="sales", write=True)
    users = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    return users if owner_ids is None else users.filter(pk__in=owner_ids)


def sales_teams_for(*, user: AbstractBaseUser) -> QuerySet[Team]:
    """Teams the board may be filtered by: every team for those reaching all, the teams a manager manages."""
    owner_ids = reach.owner_ids(user, domain="sales")
    teams = Team.objects.order_by("name")
    return teams if owner_ids is None else teams.filter(manager=user)


def stages_open() -> list[Stage]:
    return list(Stage.objects.filter(outcome=Stage.Outcome.OPEN).order_by("position", "id"))


@dataclass
class CurrencyTotal:
    currency: str
    total: Decimal
    weighted: Decimal


@dataclass
class BoardColumn:
    stage: Stage
    count: int = 0
    totals: list[CurrencyTotal] = field(default_factory=list)
    cards: list[Opportunity] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.cards), 0)


def board_filter(
    queryset: QuerySet[Opportunity],
    *,
    owner: AbstractBaseUser | None = None,
    team: Team | None = None,
    close_month: date | None = None,
) -> QuerySet[Opportunity]:
    """The board's filters: one owner, the members of a team, expected to close in a month."""
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if team is not None:
        queryset = queryset.filter(owner__in=Team.members.through.objects.filter(team=team).values("user_id"))
    if close_month is not None:
        start = close_month.replace(day=1)
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        queryset = queryset.filter(expected_close_date__gte=start, expected_close_date__lt=end)
    return queryset


def _close_first(rows: QuerySet[Opportunity], *, limit: int) -> QuerySet:
    """The ids of the first `limit` of `rows`, soonest close first and those without a date last.

    Sorted as an expression, MariaDB reads the column's ids from the (owner, deletion, stage, expected_close_date,
    id) index and sorts only those (6 ms for a manager at 220,000 opportunities). Ordered by the bare column it
    walked the (deletion, expected_close_date) index through every closed opportunity before the open ones (1.1 s),
    and sorting whole rows with their customer took 60-130 ms.
    """
    return rows.order_by(Coalesce("expected_close_date", Value(date(9999, 12, 31))), "id").values_list("pk", flat=True)[
        :limit
    ]


def _board_cards(scoped: QuerySet[Opportunity], stages: list[Stage], *, limit: int) -> dict[int, list[Opportunity]]:
    """The first `limit` cards of each stage's column, by stage id, in two queries whatever the number of columns:
    every column's ids at once (one UNION ALL of the columns' index reads), then those rows with their customer
    and owner, joined by primary key. A database that cannot order the parts of a UNION (SQLite) reads the ids
    column by column."""
    parts = [_close_first(scoped.filter(stage=stage), limit=limit) for stage in stages]
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        ids = list(parts[0].union(*parts[1:], all=True))
    else:
        ids = [pk for part in parts for pk in part]
    cards: dict[int, list[Opportunity]] = {stage.pk: [] for stage in stages}
    # What a card shows, and no more: a customer row carries its whole search text, a user row its password hash.
    rows = (
        Opportunity.objects.filter(pk__in=ids)
        .select_related("customer", "owner")
        .only(*BOARD_CARD_FIELDS, "customer__name", "owner__first_name", "owner__last_name", "owner__username")
    )
    for card in sorted(rows, key=lambda o: (o.expected_close_date or date(9999, 12, 31), o.pk)):
        cards[card.stage_id].append(card)
    return cards


def pipeline_board(
    *,
    user: AbstractBaseUser,
    owner: AbstractBaseUser | None = None,
    team: Team | None = None,
    close_month: date | None = None,
    per_column: int = BOARD_CARDS_PER_COLUMN,
    stages: list[Stage] | None = None,
) -> list[BoardColumn]:
    """A column per open stage with its count, total and weighted total (per currency), added up by the
    database in one grouped query, and the first `per_column` cards of each column, soonest close first.

    The totals read the (deletion, stage, owner, currency, amount, probability) index alone; each column's cards
    are its first ids from an index, then those rows (see _board_cards), so the board reads a few hundred rows
    however many opportunities there are. `stages`: the open stages, when the caller has read them already.
    """
    stages = stages if stages is not None else stages_open()
    scoped = board_filter(opportunity_scope(user=user), owner=owner, team=team, close_month=close_month)
    rows = scoped.filter(stage__in=stages)
    columns = {stage.pk: BoardColumn(stage=stage) for stage in stages}
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / Decimal(100), output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    totals = (
        rows.order_by()
        .values("stage_id", "currency")
        .annotate(count=Count("id"), total=Sum("amount"), weighted=Sum(weighted))
        .order_by("stage_id", "currency")
    )
    for row in totals:
        column = columns[row["stage_id"]]
        column.count += row["count"]
        column.totals.append(
            CurrencyTotal(
                currency=row["currency"],
                total=row["total"] or Decimal(0),
                weighted=Decimal(row["weighted"] or 0).quantize(Decimal("0.01")),
            )
        )
    filled = [column.stage for column in columns.values() if column.count]
    if filled and per_column:
        for stage_id, cards in _board_cards(scoped, filled, limit=per_column).items():
            columns[stage_id].cards = cards
    return list(columns.values())
