"""The list and customer pages read a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.services import customer_update
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    RelationshipFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("customers:customer-list")
LIST_QUERY_LIMIT = 10


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _add_customers(count, *, owners, tags):
    for number in range(count):
        CustomerFactory(owner=owners[number % len(owners)], tags=tags[: 1 + number % len(tags)])


def test_list_queries_do_not_grow_with_rows(client, manager, rep, teammate):
    # given: a manager whose team's customers each have an owner and tags
    tags = [TagFactory(name=name) for name in ("VIP", "Reseller", "Newsletter")]
    owners = [manager, rep, teammate]
    _add_customers(3, owners=owners, tags=tags)
    client.force_login(manager)
    client.get(LIST_URL)  # warm-up: session and per-process caches

    # when
    few = _queries(client, LIST_URL)
    _add_customers(27, owners=owners, tags=tags)
    many = _queries(client, LIST_URL)

    # then
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= LIST_QUERY_LIMIT, "\n".join(many)


def test_filtered_and_sorted_list_queries_stay_within_limit(client, manager, rep, teammate):
    tags = [TagFactory(name="VIP")]
    _add_customers(30, owners=[manager, rep, teammate], tags=tags)
    client.force_login(manager)
    url = f"{LIST_URL}?tag={tags[0].pk}&owner={rep.pk}&sort=-tier&page=1"
    client.get(url)

    queries = _queries(client, url)

    assert len(queries) <= LIST_QUERY_LIMIT, "\n".join(queries)


def _fill_customer_page(customer, count):
    """`count` interactions, contacts, relationships (both ways) and recorded changes."""
    for number in range(count):
        InteractionFactory(customer=customer)
        ContactFactory(customer=customer, is_primary=number == 0)
        RelationshipFactory(from_customer=customer) if number % 2 else RelationshipFactory(to_customer=customer)
    for number in range(count):
        customer_update(customer=customer, by=customer.owner, notes=f"note {number}")


def test_customer_page_queries_do_not_grow_with_its_content(client, rep):
    # given: two customers of the same owner, one with little and one with a lot on its page
    small, large = CustomerFactory(owner=rep, tags=[TagFactory(name="VIP")]), CustomerFactory(owner=rep)
    large.tags.add(TagFactory(name="Reseller"))
    _fill_customer_page(small, 2)
    _fill_customer_page(large, 20)
    client.force_login(rep)
    client.get(small.get_absolute_url())

    # when
    few = _queries(client, small.get_absolute_url())
    many = _queries(client, large.get_absolute_url())

    # then
    assert len(many) == len(few), "\n".join(many)


def test_full_history_page_queries_do_not_grow_with_changes(client, rep):
    small, large = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    for number in range(2):
        customer_update(customer=small, by=rep, notes=f"note {number}")
    for number in range(30):
        customer_update(customer=large, by=rep, notes=f"note {number}", tier="A" if number % 2 else "B")
    client.force_login(rep)
    client.get(reverse("customers:customer-history", args=[small.pk]))

    few = _queries(client, reverse("customers:customer-history", args=[small.pk]))
    many = _queries(client, reverse("customers:customer-history", args=[large.pk]))

    assert len(many) == len(few), "\n".join(many)
