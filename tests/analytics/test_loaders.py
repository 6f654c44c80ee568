"""The loaders read exactly the records a run's filters select, counted by hand on a few orders and opportunities:
sales orders only, returns negative (and left out of baskets), the guest bucket left out of customer analytics,
dates as days in the run's zone, ship-to country, owners, teams and segments."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from analytics import loaders
from analytics.models import CustomerSegment, Run, SegmentProfile
from records.services import deletion_create
from sales.models import ImportedCustomer, Order
from sales.services.online_retail import GUEST_KEY
from tests.analytics._history import sale
from tests.factories.customers import CustomerFactory, InteractionFactory
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2024, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def shop(rep, outsider):
    """Two customers of `rep`, one of `outsider`, the guest bucket; orders in March 2024 (amounts by hand)."""
    mug, pot = ProductFactory(sku="MUG", category="Kitchen", unit_price=5), ProductFactory(sku="POT", category="")
    alice, bob = CustomerFactory(owner=rep, name="Alice"), CustomerFactory(owner=rep, name="Bob")
    carol = CustomerFactory(owner=outsider, name="Carol")
    guest = CustomerFactory(owner=rep, name="Guests")
    ImportedCustomer.objects.create(source="online_retail", external_id=GUEST_KEY, customer=guest)
    orders = {
        "alice1": sale(alice, at(1), [(mug, 2, "5.00"), (pot, 1, "20.00")]),  # 30
        "alice2": sale(alice, at(8), [(mug, 4, "5.00")], country="FR"),  # 20
        "alice_return": sale(alice, at(9), [(mug, -1, "5.00")], kind=Order.Kind.RETURN),  # -5
        "bob1": sale(bob, at(2), [(pot, 3, "20.00")], status=Order.Status.SHIPPED),  # 60
        "bob_draft": sale(bob, at(3), [(pot, 9, "20.00")], status=Order.Status.DRAFT),
        "bob_cancelled": sale(bob, at(4), [(pot, 9, "20.00")], status=Order.Status.CANCELLED),
        "carol1": sale(carol, at(5), [(mug, 1, "5.00"), (pot, 1, "20.00")]),  # 25
        "guest1": sale(guest, at(6), [(mug, 10, "5.00")]),  # 50
    }
    recycled = sale(bob, at(7), [(pot, 9, "20.00")])
    deletion_create(root=recycled, by=rep)
    return {"mug": mug, "pot": pot, "alice": alice, "bob": bob, "carol": carol, "guest": guest, **orders}


def scope(**kwargs) -> loaders.Scope:
    return loaders.Scope(zone=kwargs.pop("zone", UTC), **kwargs)


def test_transactions_are_one_row_per_sales_order_of_single_customers(shop):
    frame = loaders.transaction_frame(scope()).sort_values("ordered_at")

    assert list(frame["order_id"]) == [shop[name].pk for name in ("alice1", "bob1", "carol1", "alice2", "alice_return")]
    assert list(frame["amount"]) == [30.0, 60.0, 25.0, 20.0, -5.0]
    assert list(frame["lines"]) == [2, 1, 2, 1, 1]
    assert frame.loc[frame["order_id"] == shop["alice1"].pk, "customer_id"].item() == shop["alice"].pk


def test_discounts_are_taken_off_the_amount(shop):
    shop["alice1"].lines.filter(product=shop["pot"]).update(discount_percent=Decimal("25"))

    frame = loaders.transaction_frame(scope())

    assert frame.loc[frame["order_id"] == shop["alice1"].pk, "amount"].item() == 25.0


def test_dates_are_whole_days_in_the_runs_zone(shop):
    # 2024-03-01 10:00 UTC is already the 1st in Shanghai; 2024-03-07 23:30 UTC is the 8th there
    late = sale(shop["alice"], datetime(2024, 3, 7, 23, 30, tzinfo=UTC), [(shop["mug"], 1, "5.00")])
    start, end = datetime(2024, 3, 2, tzinfo=SHANGHAI), datetime(2024, 3, 8, tzinfo=SHANGHAI)

    frame = loaders.transaction_frame(scope(zone=SHANGHAI, start=start, end=end))

    assert set(frame["order_id"]) == {shop["bob1"].pk, shop["carol1"].pk}
    assert late.pk not in set(frame["order_id"])
    assert frame.loc[frame["order_id"] == shop["bob1"].pk, "ordered_at"].item() == pd.Timestamp("2024-03-02 18:00")


def test_country_is_the_orders_ship_to_country(shop):
    frame = loaders.transaction_frame(scope(country="FR"))

    assert list(frame["order_id"]) == [shop["alice2"].pk]


def test_owners_and_segments_narrow_to_their_customers(shop, rep, outsider):
    run = Run.objects.create(kind=Run.Kind.SEGMENTS, status=Run.Status.SUCCEEDED)
    segment = SegmentProfile.objects.create(
        run=run,
        position=0,
        label="champions",
        customers=1,
        customer_share=1,
        revenue=1,
        revenue_share=1,
        recency_days=1,
        frequency=1,
        monetary=1,
    )
    CustomerSegment.objects.create(
        run=run, customer=shop["bob"], segment=segment, recency_days=1, frequency=1, monetary=60
    )

    by_outsider = loaders.transaction_frame(scope(owner_ids=(outsider.pk,)))
    in_segment = loaders.transaction_frame(scope(segment_id=segment.pk))

    assert list(by_outsider["order_id"]) == [shop["carol1"].pk]
    assert list(in_segment["order_id"]) == [shop["bob1"].pk]


def test_baskets_hold_the_lines_of_sales_orders_without_returns(shop):
    frame = loaders.basket_frame(scope())

    pairs = set(map(tuple, frame[["basket_id", "item"]].to_numpy().tolist()))
    mug, pot = shop["mug"].pk, shop["pot"].pk
    assert pairs == {
        (shop["alice1"].pk, mug),
        (shop["alice1"].pk, pot),
        (shop["alice2"].pk, mug),
        (shop["bob1"].pk, pot),
        (shop["carol1"].pk, mug),
        (shop["carol1"].pk, pot),
        (shop["guest1"].pk, mug),
    }
    assert len(frame) == 7


def test_revenue_keeps_guests_and_returns_and_groups_by_category_or_team(shop, manager, rep, outsider):
    overall = loaders.revenue_frame(scope(), group_by="overall")
    by_category = loaders.revenue_frame(scope(), group_by="category")
    by_team = loaders.revenue_frame(scope(), group_by="team")

    assert overall["amount"].sum() == 30 + 20 - 5 + 60 + 25 + 50
    assert by_category.groupby("group")["amount"].sum().to_dict() == {"": 20 + 60 + 20, "Kitchen": 10 + 20 - 5 + 5 + 50}
    assert by_team.groupby("group")["amount"].sum().to_dict() == {"North": 30 + 20 - 5 + 60 + 50, "South": 25}
    assert overall["lines"].sum() == 8


def test_data_ends_with_the_day_of_the_latest_order_in_the_runs_zone(shop):
    assert loaders.order_data_end(scope()) == datetime(2024, 3, 10, tzinfo=UTC)  # the return on the 9th
    assert loaders.order_data_end(scope(country="FR", zone=LONDON)) == datetime(2024, 3, 9, tzinfo=LONDON)
    assert loaders.order_data_end(scope(country="JP")) is None
    assert loaders.orders_exist(scope(country="FR")) and not loaders.orders_exist(scope(country="JP"))


def test_customer_attributes_are_read_for_the_given_customers(shop):
    frame = loaders.customer_attributes([shop["alice"].pk, shop["carol"].pk])

    assert sorted(frame["customer_id"]) == sorted([shop["alice"].pk, shop["carol"].pk])
    assert set(frame.columns) == {"customer_id", "country", "tier", "industry"}


def test_skus_are_found_whatever_their_case(shop):
    assert loaders.product_ids_for_skus(["mug", "NOPE"]) == {"mug": shop["mug"].pk}
    assert loaders.product_names([shop["pot"].pk]) == {shop["pot"].pk: shop["pot"].name}


def test_opportunities_carry_their_stage_history_and_interactions_known_at_close(rep):
    # given: one won after two moves, one still open, one closed after the as-of time
    as_of = datetime(2024, 6, 1, tzinfo=UTC)
    customer = CustomerFactory(owner=rep)
    won = OpportunityFactory(customer=customer, stage=stage("won"), closed_at=datetime(2024, 5, 1, tzinfo=UTC))
    open_ = OpportunityFactory(customer=customer, stage=stage("proposal"))
    late = OpportunityFactory(customer=customer, stage=stage("lost"), closed_at=datetime(2024, 7, 1, tzinfo=UTC))
    for opportunity in (won, open_, late):
        opportunity.__class__.objects.filter(pk=opportunity.pk).update(created_at=datetime(2024, 1, 1, tzinfo=UTC))
    for code, day in (("prospecting", 1), ("qualification", 2), ("proposal", 3), ("won", 30)):
        won.stage_changes.create(to_stage=stage(code), changed_at=datetime(2024, 4, day, tzinfo=UTC))
    open_.stage_changes.create(to_stage=stage("prospecting"), changed_at=datetime(2024, 2, 1, tzinfo=UTC))
    for day in (1, 2):  # before the won deal closed
        InteractionFactory(customer=customer, occurred_at=datetime(2024, 4, day, tzinfo=UTC))
    InteractionFactory(customer=customer, occurred_at=datetime(2024, 5, 20, tzinfo=UTC))  # after it

    # when
    frame = loaders.opportunity_frame(scope(), as_of=as_of).set_index("opportunity_id")

    # then
    assert frame.loc[won.pk, "outcome"] == "won" and frame.loc[won.pk, "closed_at"] == pd.Timestamp("2024-05-01")
    assert frame.loc[won.pk, "open_moves"] == 3 and frame.loc[won.pk, "interactions"] == 2
    assert frame.loc[won.pk, "furthest_stage"] == stage("proposal").position
    assert frame.loc[open_.pk, "outcome"] == "open" and frame.loc[open_.pk, "interactions"] == 3
    assert frame.loc[open_.pk, "furthest_stage"] == stage("prospecting").position
    assert frame.loc[late.pk, "outcome"] == "open" and pd.isna(frame.loc[late.pk, "closed_at"])
    assert loaders.opportunities_exist(scope()) and not loaders.opportunities_exist(scope(country="JP"))


def test_a_runs_filters_become_its_scope(rep, teammate, manager):
    team = manager.managed_teams.get()
    run = Run(
        kind=Run.Kind.RULES,
        since=date(2024, 3, 1),
        until=date(2024, 3, 31),
        team=team,
        time_zone="Asia/Shanghai",
    )

    found = loaders.scope_of(run)

    assert found.start == datetime(2024, 3, 1, tzinfo=SHANGHAI)
    assert found.end == datetime(2024, 3, 31, tzinfo=SHANGHAI) + timedelta(days=1)
    assert set(found.owner_ids) == {manager.pk, rep.pk, teammate.pk}
