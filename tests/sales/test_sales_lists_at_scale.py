"""How the opportunity and order lists read their rows so they stay fast on large tables, and that each way gives
exactly the rows and order the plain query would: a rep's or manager's orders walked along the sort's index, a
search by customer read by the customers' ids, opportunities by stage read stage by stage, pages read keys first;
and every list page stays within 12 queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from crm.pagination import CappedPaginator
from sales.models import Opportunity, Order
from sales.selectors import orders as order_selectors
from sales.selectors.orders import order_list_for, order_scope, order_search_condition
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory, stage
from tests.factories.sales_orders import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("sales:order-list")
OPPORTUNITIES = reverse("sales:opportunity-list")


@pytest.fixture
def orders(rep, teammate, outsider):
    """Orders of three owners' customers, a day apart, newest of the rep's first."""
    now = timezone.now()
    made = []
    for number, owner in enumerate([rep, teammate, outsider] * 4):
        customer = CustomerFactory(owner=owner, name=f"{owner.username} customer {number}")
        order = OrderFactory(customer=customer, number=f"SO-{number:06d}", ordered_at=now - timedelta(days=number))
        OrderLineFactory(order=order, unit_price=Decimal(number + 1))
        made.append(order)
    return made


@pytest.mark.parametrize("user_name", ["rep", "manager", "administrator"])
def test_walked_orders_are_the_scoped_orders_in_the_same_order(request, orders, monkeypatch, user_name):
    user = request.getfixturevalue(user_name)
    expected = list(order_scope(user=user).order_by("-ordered_at", "-id").values_list("number", flat=True))

    monkeypatch.setattr(order_selectors, "WALK_FROM", 0)  # every user reaching an order walks
    walked = list(order_list_for(user=user).order_by("-ordered_at", "-id").values_list("number", flat=True))

    assert walked == expected and walked
    assert str(order_list_for(user=user).query).count("COALESCE") == (user_name != "administrator")


def test_a_user_with_few_orders_is_not_walked(rep, orders):
    assert "COALESCE" not in str(order_list_for(user=rep).query)


def test_order_search_finds_numbers_and_customers_by_id_or_by_join_past_the_limit(rep, orders, monkeypatch):
    scoped = order_scope(user=rep)

    by_number = set(scoped.filter(order_search_condition("SO-00000")).values_list("number", flat=True))
    by_customer = set(scoped.filter(order_search_condition("REP.ONE cust")).values_list("number", flat=True))
    query = str(scoped.filter(order_search_condition("rep.one")).query).replace('"', "`")
    monkeypatch.setattr(order_selectors, "SEARCH_CUSTOMERS_MAX", 1)
    past_limit = set(scoped.filter(order_search_condition("rep.one cust")).values_list("number", flat=True))

    assert by_number == {"SO-000000", "SO-000003", "SO-000006", "SO-000009"}
    assert by_customer == past_limit == by_number
    assert "customer_id` IN (" in query and "`customers_customer`.`name`" not in query  # by ids, not a join


def test_opportunities_by_stage_come_in_pipeline_order_then_soonest_close(client, rep, customer):
    today = timezone.localdate()
    for code, days in [("won", 1), ("prospecting", 9), ("proposal", 2), ("prospecting", 3), ("negotiation", 5)]:
        OpportunityFactory(
            customer=customer,
            stage=stage(code),
            expected_close_date=today + timedelta(days=days),
            title=f"{code} {days}",
        )
    client.force_login(rep)

    ascending = [o.title for o in client.get(OPPORTUNITIES, {"sort": "stage"}).context["page_obj"]]
    descending = [o.title for o in client.get(OPPORTUNITIES, {"sort": "-stage"}).context["page_obj"]]

    assert ascending == ["prospecting 3", "prospecting 9", "proposal 2", "negotiation 5", "won 1"]
    assert descending == ["won 1", "negotiation 5", "proposal 2", "prospecting 9", "prospecting 3"]
    assert client.get(OPPORTUNITIES, {"sort": "stage"}).context["paginator"].count == 5


def test_pages_by_stage_continue_across_stages(client, rep, customer):
    for number in range(30):
        OpportunityFactory(customer=customer, stage=stage("prospecting" if number < 20 else "proposal"))
    client.force_login(rep)

    first = list(client.get(OPPORTUNITIES, {"sort": "stage"}).context["page_obj"])
    second = list(client.get(OPPORTUNITIES, {"sort": "stage", "page": 2}).context["page_obj"])

    assert len(first) == 25 and len(second) == 5
    assert [o.stage.code for o in first + second] == ["prospecting"] * 20 + ["proposal"] * 10
    assert len({o.pk for o in first + second}) == 30


def test_the_export_sorted_by_stage_has_every_row(client, rep, customer):
    for code in ("proposal", "prospecting", "won"):
        OpportunityFactory(customer=customer, stage=stage(code), title=f"Deal {code}")
    client.force_login(rep)

    body = b"".join(client.get(reverse("sales:opportunity-export"), {"sort": "stage"}).streaming_content).decode()

    assert body.index("Deal prospecting") < body.index("Deal proposal") < body.index("Deal won")


@pytest.mark.parametrize("deferred_from", [0, 1000])
def test_keys_first_pages_are_the_same_pages(customer, deferred_from):
    for _ in range(7):
        OpportunityFactory(customer=customer)
    rows = Opportunity.objects.order_by("title", "id")
    expected = [o.pk for o in rows]

    paginator = CappedPaginator(rows, 3, deferred_from=deferred_from)

    assert [o.pk for number in (1, 2, 3) for o in paginator.get_page(number)] == expected
    assert [o.pk for o in paginator.get_page(9)] == expected[6:]  # past the end: the last page


LIST_PAGES = [
    (OPPORTUNITIES, {}),
    (OPPORTUNITIES, {"sort": "stage"}),
    (OPPORTUNITIES, {"sort": "-amount"}),
    (OPPORTUNITIES, {"q": "deal"}),
    (ORDERS, {}),
    (ORDERS, {"q": "SO-0"}),
    (ORDERS, {"sort": "-total", "kind": "order"}),
]


@pytest.mark.skipif(
    not connection.features.supports_slicing_ordering_in_compound,
    reason="on a database that cannot order the parts of a UNION (SQLite) the stages are read one by one",
)
@pytest.mark.parametrize(("url", "query"), LIST_PAGES)
def test_list_pages_take_at_most_12_queries_for_a_manager(
    client, manager, rep, teammate, orders, url, query, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(order_selectors, "WALK_FROM", 0)
    for owner in (rep, teammate):
        for code in ("prospecting", "proposal", "won"):
            OpportunityFactory(customer=CustomerFactory(owner=owner), stage=stage(code), title="Deal")
    client.force_login(manager)
    client.get(url, query)

    with django_assert_max_num_queries(12):
        response = client.get(url, query)

    assert response.status_code == 200 and len(response.context["page_obj"]) > 0
    assert Order.objects.exists()


@pytest.mark.parametrize(
    ("query", "order"),
    [
        ({}, ("expected_close_date", "id")),
        ({"sort": "-amount"}, ("-amount", "-id")),
        ({"sort": "title"}, ("title", "id")),
        ({"stage": "proposal"}, ("expected_close_date", "id")),
    ],
)
def test_a_managers_list_read_owner_by_owner_is_the_teams_list_in_order(
    client, manager, rep, teammate, outsider, query, order
):
    today = timezone.localdate()
    for number, owner in enumerate([rep, teammate, manager, outsider] * 8):
        OpportunityFactory(
            customer=CustomerFactory(owner=owner),
            owner=owner,
            stage=stage(("prospecting", "proposal")[number % 2]),
            amount=Decimal(number % 5),
            title=f"Deal {number % 7}",
            expected_close_date=today + timedelta(days=number % 6),
        )
    if "stage" in query:
        query = {"stage": stage(query["stage"]).pk}
    rows = Opportunity.objects.filter(owner__in=[rep, teammate, manager]).filter(
        **{"stage_id": query["stage"]} if "stage" in query else {}
    )
    client.force_login(manager)

    listed = [o.pk for o in client.get(OPPORTUNITIES, query).context["page_obj"]]

    assert listed == [o.pk for o in rows.order_by(*order)[:25]]


def test_a_reps_filtered_orders_and_a_search_count_as_far_as_a_customer_search(
    client, rep, administrator, orders, settings
):
    settings.CUSTOMER_SEARCH_COUNT_CAP = 2
    client.force_login(rep)

    filtered = client.get(ORDERS, {"kind": "order"}).context["paginator"]
    unfiltered = client.get(ORDERS).context["paginator"]
    searched = client.get(OPPORTUNITIES, {"q": "deal"}).context["paginator"]
    client.force_login(administrator)
    everyone = client.get(ORDERS, {"kind": "order"}).context["paginator"]

    assert (filtered.cap, filtered.is_capped, filtered.count) == (2, True, 2)
    assert unfiltered.cap == everyone.cap == 1000 and not everyone.is_capped
    assert searched.cap == 2
