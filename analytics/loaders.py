"""ORM → DataFrame: the only analytics code that reads the CRM's records.

Each loader reads the rows a run's filters select (`Scope`) with `values_list` over an index-friendly filter, and
aggregates in the database where the algorithms need no more than totals (an order's amount is a SUM over its
lines, an opportunity's stage history a COUNT and a MAX), so no loader ever builds a model instance per row or
reads a whole table into memory. Times come back naive, in the run's time zone, so that days, weeks and months are
the ones the requester lives in.

What counts as a sale: live orders (not in the recycle bin) that are confirmed, shipped or paid; drafts are not
sales yet and cancelled orders no longer are. Returns are negative amounts; baskets leave them out. The online
shop's anonymous "guest" customer (sales.selectors.orders.guest_customer_ids) is a bucket of many unknown people,
so customer-level analytics (segments, churn, value) leave it out; revenue series and baskets keep its orders.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Team
from analytics.models import CustomerSegment
from customers.models import Customer, Interaction
from sales.models import Opportunity, Order, OrderLine, Product, Stage
from sales.selectors.orders import REVENUE_STATUSES, guest_customer_ids, line_net

if TYPE_CHECKING:
    from analytics.models import Run

TRANSACTION_COLUMNS = ["customer_id", "order_id", "ordered_at", "amount", "lines"]
BASKET_COLUMNS = ["basket_id", "item"]
REVENUE_COLUMNS = ["ordered_at", "amount", "group", "lines"]
OPPORTUNITY_COLUMNS = [
    "opportunity_id",
    "customer_id",
    "outcome",
    "created_at",
    "closed_at",
    "amount",
    "source",
    "industry",
    "tier",
    "open_moves",
    "furthest_stage",
    "current_stage",
    "interactions",
]
CHUNK = 20_000


@dataclass(frozen=True)
class Scope:
    """Which records a run reads: a time window [start, end) (aware), a country, the owners of the records (None:
    everyone's) and a segment of an earlier segments run. `zone` is the run's time zone."""

    zone: zoneinfo.ZoneInfo
    start: datetime | None = None
    end: datetime | None = None
    country: str = ""
    owner_ids: tuple[int, ...] | None = None
    segment_id: int | None = None

    def local(self, moment: datetime) -> pd.Timestamp:
        """`moment` as a naive timestamp in the scope's zone (what the frames hold)."""
        return pd.Timestamp(moment.astimezone(self.zone).replace(tzinfo=None))

    def with_end(self, end: datetime) -> Scope:
        return Scope(self.zone, self.start, end, self.country, self.owner_ids, self.segment_id)


def day_start(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """Midnight starting `day` in `zone`, aware."""
    return datetime.combine(day, time.min, tzinfo=zone)


def scope_of(run: Run) -> Scope:
    """The records `run`'s filters select. A team means its manager's and its members' records."""
    zone = zoneinfo.ZoneInfo(run.time_zone or "UTC")
    owners: tuple[int, ...] | None = None
    if run.owner_id:
        owners = (run.owner_id,)
    elif run.team_id:
        team = Team.objects.filter(pk=run.team_id).values_list("manager_id", flat=True).get()
        members = Team.members.through.objects.filter(team_id=run.team_id).values_list("user_id", flat=True)
        owners = tuple(sorted({team, *members}))
    return Scope(
        zone=zone,
        start=day_start(run.since, zone) if run.since else None,
        end=day_start(run.until + timedelta(days=1), zone) if run.until else None,
        country=str(run.country or ""),
        owner_ids=owners,
        segment_id=run.segment_id,
    )


def _order_condition(scope: Scope, prefix: str = "") -> Q:
    """The sales orders `scope` selects, as a condition on Order (or, with prefix "order__", on its lines)."""
    p = prefix
    condition = Q(**{f"{p}deletion__isnull": True, f"{p}status__in": REVENUE_STATUSES})
    if scope.start is not None:
        condition &= Q(**{f"{p}ordered_at__gte": scope.start})
    if scope.end is not None:
        condition &= Q(**{f"{p}ordered_at__lt": scope.end})
    if scope.country:
        condition &= Q(**{f"{p}ship_to_country": scope.country})
    if scope.owner_ids is not None:
        condition &= Q(**{f"{p}customer__owner__in": scope.owner_ids})
    if scope.segment_id is not None:
        members = CustomerSegment.objects.filter(segment_id=scope.segment_id).values("customer_id")
        condition &= Q(**{f"{p}customer__in": members})
    return condition


def _customer_condition(prefix: str = "order__") -> Q:
    """Customers that customer-level analytics cover: live ones, not the shop's guest bucket."""
    condition = Q(**{f"{prefix}customer__deletion__isnull": True})
    guests = guest_customer_ids()
    if guests:
        condition &= ~Q(**{f"{prefix}customer__in": guests})
    return condition


def orders_exist(scope: Scope) -> bool:
    """Whether any sales order matches `scope` (one index probe)."""
    return Order.objects.filter(_order_condition(scope)).exists()


def order_data_end(scope: Scope) -> datetime | None:
    """The end of the last day (in the scope's zone) with a sales order in `scope`: the data's as-of time when the
    run names no end date. None when no order matches."""
    latest = Order.objects.filter(_order_condition(scope)).aggregate(latest=Max("ordered_at"))["latest"]
    if latest is None:
        return None
    return day_start(latest.astimezone(scope.zone).date() + timedelta(days=1), scope.zone)


def _naive_local(values: Iterable[datetime], zone: zoneinfo.ZoneInfo) -> pd.Series:
    """Aware datetimes as naive timestamps in `zone`."""
    stamps = pd.to_datetime(pd.Series(list(values), dtype=object), utc=True)
    return stamps.dt.tz_convert(zone).dt.tz_localize(None)


def _money(values: Iterable) -> np.ndarray:
    return np.fromiter((float(value or 0) for value in values), dtype=np.float64)


def transaction_frame(scope: Scope) -> pd.DataFrame:
    """One row per sales order of the customers customer-level analytics cover: customer_id, order_id, ordered_at
    (naive, local), amount (net of discounts; negative for returns), lines. Summed per order by the database."""
    rows = list(
        OrderLine.objects.filter(_order_condition(scope, "order__") & _customer_condition())
        .values("order_id")
        .order_by()
        .annotate(amount=Sum(line_net()), lines=Count("id"))
        .values_list("order__customer_id", "order_id", "order__ordered_at", "amount", "lines")
        .iterator(chunk_size=CHUNK)
    )
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in TRANSACTION_COLUMNS})
    customers, orders, times, amounts, lines = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": np.asarray(customers, dtype=np.int64),
            "order_id": np.asarray(orders, dtype=np.int64),
            "ordered_at": _naive_local(times, scope.zone).to_numpy(),
            "amount": _money(amounts),
            "lines": np.asarray(lines, dtype=np.int64),
        }
    )


def basket_frame(scope: Scope) -> pd.DataFrame:
    """One row per line of a sales order (returns left out, positive quantities only): basket_id (the order),
    item (the product id). Streamed from the database in chunks."""
    lines = OrderLine.objects.filter(
        _order_condition(scope, "order__") & Q(order__kind=Order.Kind.ORDER, quantity__gt=0)
    ).values_list("order_id", "product_id")
    pairs = np.fromiter(
        (value for pair in lines.order_by().iterator(chunk_size=CHUNK) for value in pair), dtype=np.int64
    ).reshape(-1, 2)
    return pd.DataFrame({"basket_id": pairs[:, 0], "item": pairs[:, 1]})


def revenue_frame(scope: Scope, *, group_by: str) -> pd.DataFrame:
    """Sales for revenue series: ordered_at (naive, local), amount (net; returns negative), group (the product
    category, the team's name, or "" for overall) and lines. Summed per order (and category) by the database."""
    lines = OrderLine.objects.filter(_order_condition(scope, "order__")).order_by()
    if group_by == "category":
        grouped = lines.values("order_id", "product__category")
        fields = ("order__ordered_at", "amount", "product__category", "lines")
    elif group_by == "team":
        grouped = lines.values("order_id")
        fields = ("order__ordered_at", "amount", "order__customer__owner_id", "lines")
    else:
        grouped = lines.values("order_id")
        fields = ("order__ordered_at", "amount", "lines")
    rows = list(grouped.annotate(amount=Sum(line_net()), lines=Count("id")).values_list(*fields).iterator(CHUNK))
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in REVENUE_COLUMNS})
    columns = list(zip(*rows, strict=True))
    if group_by == "team":
        teams = team_names_by_owner()
        groups = [teams.get(owner, "") for owner in columns[2]]
    elif group_by == "category":
        groups = [category or "" for category in columns[2]]
    else:
        groups = [""] * len(rows)
    return pd.DataFrame(
        {
            "ordered_at": _naive_local(columns[0], scope.zone).to_numpy(),
            "amount": _money(columns[1]),
            "group": groups,
            "lines": np.asarray(columns[-1], dtype=np.int64),
        }
    )


def team_names_by_owner() -> dict[int, str]:
    """Each user's team for revenue by team: the team they manage, else the first (by name) they belong to."""
    names: dict[int, str] = {}
    for user_id, name in Team.members.through.objects.order_by("team__name").values_list("user_id", "team__name"):
        names.setdefault(user_id, name)
    for manager_id, name in Team.objects.order_by("name").values_list("manager_id", "name"):
        names[manager_id] = name
    return names


def customer_attributes(customer_ids: Iterable[int]) -> pd.DataFrame:
    """customer_id, country, tier, industry of the given customers (read in chunks of ids)."""
    ids = sorted(set(int(pk) for pk in customer_ids))
    rows: list[tuple] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows += Customer.all_objects.filter(pk__in=chunk).values_list("pk", "country", "tier", "industry")
    return pd.DataFrame.from_records(rows, columns=["customer_id", "country", "tier", "industry"])


def _opportunity_condition(scope: Scope) -> Q:
    """The live opportunities `scope` selects: created in its window, of customers in its country, owned by its
    owners, of customers in its segment."""
    condition = Q(deletion__isnull=True, customer__deletion__isnull=True)
    if scope.start is not None:
        condition &= Q(created_at__gte=scope.start)
    if scope.end is not None:
        condition &= Q(created_at__lt=scope.end)
    if scope.country:
        condition &= Q(customer__country=scope.country)
    if scope.owner_ids is not None:
        condition &= Q(owner__in=scope.owner_ids)
    if scope.segment_id is not None:
        condition &= Q(customer__in=CustomerSegment.objects.filter(segment_id=scope.segment_id).values("customer_id"))
    return condition


def opportunities_exist(scope: Scope) -> bool:
    """Whether any live opportunity matches `scope` (one index probe)."""
    return Opportunity.objects.filter(_opportunity_condition(scope)).exists()


def opportunity_frame(scope: Scope, *, as_of: datetime) -> pd.DataFrame:
    """One row per live opportunity created in `scope` before `as_of`, with what was known of it at its close (or at
    `as_of` while open): outcome (won, lost, or open when still open at as_of), created_at, closed_at (naive,
    local), amount, source, the customer's industry and tier, open_moves (moves into open stages), furthest_stage
    (the position of the furthest open stage reached), current_stage (its stage's position), interactions (logged
    with its customer before its close). Stage history and interactions are counted by the database."""
    open_move = Q(stage_changes__to_stage__outcome=Stage.Outcome.OPEN, stage_changes__changed_at__lt=as_of)
    known_until = Coalesce(OuterRef("closed_at"), Value(as_of))
    interactions = (
        Interaction.objects.filter(customer=OuterRef("customer"), deletion__isnull=True, occurred_at__lt=known_until)
        .order_by()
        .values("customer")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        Opportunity.objects.filter(_opportunity_condition(scope), created_at__lt=as_of)
        .order_by()
        .annotate(
            open_moves=Count("stage_changes", filter=open_move),
            furthest=Max("stage_changes__to_stage__position", filter=open_move),
            interactions=Coalesce(Subquery(interactions, output_field=IntegerField()), Value(0)),
        )
        .values_list(
            "pk",
            "customer_id",
            "stage__outcome",
            "created_at",
            "closed_at",
            "amount",
            "source",
            "customer__industry",
            "customer__tier",
            "open_moves",
            "furthest",
            "stage__position",
            "interactions",
        )
    )
    frame = pd.DataFrame.from_records(list(rows.iterator(chunk_size=CHUNK)), columns=OPPORTUNITY_COLUMNS)
    if frame.empty:
        return frame
    closed = pd.to_datetime(frame["closed_at"], utc=True)
    # Closed after as_of: as of then, it was still open.
    late = closed.notna() & (closed >= pd.Timestamp(as_of))
    frame.loc[late, "outcome"] = Stage.Outcome.OPEN
    closed[late] = pd.NaT
    frame["closed_at"] = closed.dt.tz_convert(scope.zone).dt.tz_localize(None)
    frame["created_at"] = _naive_local(frame["created_at"], scope.zone).to_numpy()
    frame["amount"] = _money(frame["amount"])
    frame["furthest_stage"] = frame["furthest_stage"].astype("float64").fillna(frame["current_stage"].astype("float64"))
    return frame


def stage_names() -> dict[int, str]:
    """The pipeline stages' names by position (a stage's name is in the catalogue for the default stages)."""
    return dict(Stage.objects.values_list("position", "name"))


def product_names(product_ids: Iterable[int]) -> dict[int, str]:
    """Names of the given products."""
    ids = sorted(set(int(pk) for pk in product_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        names.update(Product.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", "name"))
    return names


def product_ids_for_skus(skus: Iterable[str]) -> dict[str, int]:
    """The product id of each SKU that exists (MySQL matches SKUs without regard to case; so do we)."""
    wanted = {sku.upper(): sku for sku in skus}
    if not wanted:
        return {}
    condition = Q()
    for sku in wanted.values():
        condition |= Q(sku__iexact=sku)
    return {wanted[sku.upper()]: pk for pk, sku in Product.objects.filter(condition).values_list("pk", "sku")}
