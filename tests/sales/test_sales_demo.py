"""The demo's sales at any size: a catalogue in categories, opportunities with believable histories and win rates,
orders whose baskets carry the products bought together (basket rules find them), and one step per kind."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone

from analytics.algorithms import mine_rules
from customers.models import Customer
from sales.demo import SEED_STEPS, SalesSeedPlan, opportunities_seed, orders_seed, sales_seed
from sales.demo.catalogue import CATEGORIES, affinity_groups, catalogue, catalogue_items, products_seed
from sales.models import Opportunity, Order, OrderLine, Product, StageChange
from sales.services.orders import number_allocate
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyers(rep, teammate):
    """Forty customers who buy, five churned, and ten prospects."""
    customers = [CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.CUSTOMER) for _ in range(20)]
    customers += [CustomerFactory(owner=teammate, lifecycle_stage=Customer.Stage.CUSTOMER) for _ in range(20)]
    customers += [CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.CHURNED) for _ in range(5)]
    customers += [CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.PROSPECT) for _ in range(10)]
    return customers


def test_catalogue_is_the_same_every_time_with_every_category_and_groups_across_categories():
    items = catalogue(72)

    assert items == catalogue(72)
    assert len({item.sku for item in items}) == 72
    assert Counter(item.code for item in items) == {code: 4 for code, *_rest in CATEGORIES}
    groups = affinity_groups(items)
    by_sku = {item.sku: item for item in items}
    assert ("DEMO-LAP-0002", "DEMO-DCK-0002", "DEMO-BAG-0002") in groups
    assert all(len({by_sku[sku].code for sku in group}) == len(group) >= 2 for group in groups)


def test_products_seed_adds_only_what_is_missing():
    assert products_seed(count=36) == 36
    assert products_seed(count=54) == 18

    assert Product.objects.count() == 54
    assert Product.objects.values("category").distinct().count() == len({c[1] for c in CATEGORIES})
    assert not Product.objects.filter(unit_price__lte=0).exists()


def test_a_given_number_of_opportunities_with_believable_histories_and_win_rate(buyers):
    # when
    created = opportunities_seed(count=600, seed=11)

    # then
    assert created == Opportunity.objects.count() == 600
    assert not Opportunity.objects.filter(customer__lifecycle_stage=Customer.Stage.LEAD).exists()
    outcomes = Counter(Opportunity.objects.values_list("stage__outcome", flat=True))
    assert set(outcomes) == {"open", "won", "lost"}
    win_rate = outcomes["won"] / (outcomes["won"] + outcomes["lost"])
    assert 0.25 < win_rate < 0.55
    # every history starts with the first stage, walks the pipeline forward, and ends where the opportunity is
    first_stage = StageChange.objects.filter(from_stage__isnull=True).values_list("to_stage__code", flat=True)
    assert set(first_stage) == {"prospecting"}
    assert StageChange.objects.filter(from_stage__isnull=True).count() == 600
    for opportunity in Opportunity.objects.prefetch_related("stage_changes__to_stage", "stage_changes__from_stage")[
        :100
    ]:
        changes = list(opportunity.stage_changes.all())
        assert changes[-1].to_stage_id == opportunity.stage_id
        assert all(c.days_in_previous > 0 for c in changes[1:])
        assert all(a.changed_at < b.changed_at for a, b in zip(changes, changes[1:], strict=False))
        assert opportunity.created_at == changes[0].changed_at <= opportunity.stage_entered_at
        if opportunity.stage.outcome != "open":
            assert opportunity.closed_at == opportunity.stage_entered_at
            assert opportunity.expected_close_date == opportunity.closed_at.date()
    # lost ones were lost on the way, at any open stage
    lost_from = Counter(StageChange.objects.filter(to_stage__outcome="lost").values_list("from_stage__code", flat=True))
    assert len(lost_from) >= 3


def test_orders_carry_the_planted_groups_and_basket_rules_find_them(buyers):
    # given a catalogue and customers
    products_seed(count=72)

    # when
    orders, lines = orders_seed(lines=12_000, seed=5)

    # then: exactly the lines asked for, on numbered orders of the customers who buy
    assert lines == OrderLine.objects.count() == 12_000
    assert orders == Order.objects.count()
    assert not Order.objects.filter(customer__lifecycle_stage=Customer.Stage.PROSPECT).exists()
    assert 5 <= lines / orders <= 12
    assert Order.objects.filter(number__startswith="SO-").count() == Order.objects.filter(kind="order").count()
    assert number_allocate() == f"SO-{Order.objects.filter(kind='order').count() + 1:06d}"
    # returns give back part of an earlier order of the same customer
    for credit in Order.objects.filter(kind="return").select_related("original"):
        assert credit.original.customer_id == credit.customer_id and credit.ordered_at > credit.original.ordered_at
        assert not credit.lines.filter(quantity__gt=0).exists()
    # a churned customer's orders stopped months ago
    churned_last = Order.objects.filter(customer__lifecycle_stage="churned").aggregate(m=Max("ordered_at"))["m"]
    assert churned_last is None or churned_last < timezone.now() - timedelta(days=200)
    assert not Order.objects.annotate(n=Count("lines")).filter(n=0).exists()

    # and the rules the analytics core mines from the baskets include the planted pairs
    baskets = pd.DataFrame.from_records(
        list(OrderLine.objects.filter(order__kind="order").values_list("order_id", "product__sku")),
        columns=["basket_id", "item"],
    )
    rules = mine_rules(baskets, min_support=0.002, max_len=2).rules
    found = {(next(iter(r.antecedents)), next(iter(r.consequents))): r.lift for r in rules.itertuples()}
    groups = affinity_groups(catalogue_items(set(Product.objects.filter(active=True).values_list("sku", flat=True))))
    planted = [group[:2] for group in groups]
    assert all(found.get(pair, 0) > 1 for pair in planted), [p for p in planted if found.get(p, 0) <= 1]
    strongest = rules.head(len(planted))
    assert {frozenset(r.antecedents | r.consequents) for r in strongest.itertuples()} <= {
        frozenset(pair) for group in groups for pair in _pairs(group)
    }


def _pairs(group):
    return [(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]


def test_won_opportunities_turn_into_orders_after_they_close(buyers):
    products_seed(count=36)
    opportunities_seed(count=300, seed=3)

    orders_seed(lines=4000, seed=3)

    linked = Order.objects.filter(opportunity__isnull=False).select_related("opportunity__stage")
    assert linked.exists()
    for order in linked:
        assert order.opportunity.stage.outcome == "won" and order.opportunity.customer_id == order.customer_id
        assert order.ordered_at > order.opportunity.closed_at


def test_sales_seed_runs_each_step_and_other_kinds_can_add_theirs(buyers, monkeypatch):
    # given a step another kind adds (quotes, tasks)
    seen = []
    steps = [*SEED_STEPS, type(SEED_STEPS[0])("quotes", lambda plan: seen.append(plan.counts) or {"quotes": 7})]
    monkeypatch.setattr("sales.demo.SEED_STEPS", steps)

    # when
    results = sales_seed(SalesSeedPlan(products=36, opportunities=50, order_lines=500, counts={"quotes": 7}))

    # then
    created = {kind: count for kind, count, _took in results}
    assert [kind for kind, _count, _took in results] == [
        "products",
        "opportunities",
        "orders",
        "order lines",
        "tasks",
        "quotas",
        "quotes",
    ]
    assert (created["products"], created["opportunities"], created["order lines"]) == (36, 50, 500)
    assert created["orders"] == Order.objects.count() and created["quotes"] == 7
    assert created["tasks"] > 0 and created["quotas"] > 0
    assert seen == [{"quotes": 7}]


def test_seed_demo_command_seeds_sales_to_the_sizes_asked():
    out = StringIO()

    call_command(
        "seed_demo", customers=60, products=36, opportunities=80, order_lines=900, stdout=out, stderr=StringIO()
    )

    output = out.getvalue()
    assert "Created 36 products" in output and "Created 80 opportunities" in output
    assert "Created 900 order lines" in output
    assert (Product.objects.count(), Opportunity.objects.count(), OrderLine.objects.count()) == (36, 80, 900)
