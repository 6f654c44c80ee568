"""Opportunity search finds a word of the title anywhere, and the opportunities of the customers customer search
finds (a word of their name, email or phone, or of a contact's), within the user's reach; with more matching
customers than it reads by id, the same opportunities.

Committed: MariaDB's full-text index sees only committed rows (tests/customers/_support.py)."""

import pytest
from django.urls import reverse

from sales.filters import pipeline
from tests.customers._support import committed_db
from tests.factories.customers import ContactFactory, CustomerFactory
from tests.factories.sales import OpportunityFactory

pytestmark = committed_db

LIST = reverse("sales:opportunity-list")


@pytest.fixture
def harbour(rep):
    customer = CustomerFactory(owner=rep, name="Blue Harbour Shipping")
    OpportunityFactory(customer=customer, title="Cranes")
    return customer


def _titles(client, text) -> str:
    return client.get(LIST, {"q": text}).content.decode()


def test_a_word_of_the_customers_name_finds_its_opportunities(client, rep, harbour, customer):
    OpportunityFactory(customer=customer, title="Fleet renewal")
    client.force_login(rep)

    body = _titles(client, "harbour")

    assert "Cranes" in body and "Fleet renewal" not in body
    assert "Cranes" in _titles(client, "Harb")  # the start of a word, in any case


def test_a_contact_of_the_customer_finds_its_opportunities(client, rep, harbour):
    ContactFactory(customer=harbour, name="Pat Nguyen")
    client.force_login(rep)

    assert "Cranes" in _titles(client, "nguyen")


def test_another_owners_opportunity_of_a_matching_customer_is_not_found(client, rep, outsider, harbour):
    OpportunityFactory(customer=CustomerFactory(owner=outsider, name="Harbour Cranes Ltd"), title="Theirs")
    client.force_login(rep)

    body = _titles(client, "harbour")

    assert "Cranes" in body and "Theirs" not in body


def test_more_matching_customers_than_read_by_id_find_the_same_opportunities(client, rep, monkeypatch):
    for number in range(3):
        OpportunityFactory(customer=CustomerFactory(owner=rep, name=f"Harbour {number}"), title=f"Deal {number}")
    client.force_login(rep)
    monkeypatch.setattr(pipeline, "SEARCH_CUSTOMERS_MAX", 2)

    body = _titles(client, "harbour")

    assert all(f"Deal {number}" in body for number in range(3))
