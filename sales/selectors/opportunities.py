"""Reads for opportunity pages and the pipeline board. Every read scopes through accounts.reach (the "sales"
domain): reps reach their own opportunities, managers their teams', administrators all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum

from accounts import reach
from accounts.models import Team
from sales.models import Opportunity, Stage, StageChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

User = get_user_model()

# Cards per column: the board reads at most this many per stage, whatever the pipeline holds.
BOARD_CARDS_PER_COLUMN = 50


def opportunity_scope(*, user: AbstractBaseUser, write: bool = False) -> QuerySet[Opportunity]:
    """The opportunities `user` may read (or change, with write=True)."""
    return reach.scope(Opportunity, user=user, write=write)


def opportunity_get_for(*, user: AbstractBaseUser, pk: int, write: bool = False) -> Opportunity:
    """One opportunity within reach, customer, stage and owner preloaded; Http404 otherwise."""
    return reach.get_for(
        Opportunity.objects.select_related("customer", "stage", "owner", "contact"), user=user, write=write, pk=pk
    )


def opportunity_list_for(*, user: AbstractBaseUser) -> QuerySet[Opportunity]:
    """The user's opportunities for the list page and the export, with what each row shows preloaded."""
    return opportunity_scope(user=user).select_related("customer", "stage", "owner")


def opportunity_stage_changes(*, opportunity: Opportunity) -> list[StageChange]:
    """The opportunity's stage history, oldest first."""
    return list(opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by"))


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


def pipeline_board(
    *,
    user: AbstractBaseUser,
    owner: AbstractBaseUser | None = None,
    team: Team | None = None,
    close_month: date | None = None,
    per_column: int = BOARD_CARDS_PER_COLUMN,
) -> list[BoardColumn]:
    """A column per open stage with its count, total and weighted total (per currency), added up by the
    database in one grouped query, and the first `per_column` cards of each column, soonest close first.

    Each column's cards are one query on the (owner, deletion, stage, expected_close_date) index, so the board
    reads a few hundred rows however many opportunities there are.
    """
    stages = stages_open()
    rows = board_filter(opportunity_scope(user=user), owner=owner, team=team, close_month=close_month).filter(
        stage__in=stages
    )
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
    for column in columns.values():
        if column.count and per_column:
            column.cards = list(
                rows.filter(stage=column.stage)
                .select_related("customer", "owner")
                .order_by("expected_close_date", "id")[:per_column]
            )
    return list(columns.values())
