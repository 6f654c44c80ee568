"""Numbers read from the query string are parsed by a form field: anything else is the default, never a 500."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from crm.kit.views import query_int
from tests.customers._support import committed_db, section_text
from tests.factories.customers import CustomerFactory, InteractionFactory


@pytest.mark.parametrize(
    ("given", "expected"),
    [("3", 3), ("", 1), ("²", 1), ("abc", 1), ("0", 1), ("-2", 1), ("1000000", 1), ("999999", 999_999)],
)
def test_page_number_is_a_whole_number_in_range_or_the_default(given, expected):
    request = RequestFactory().get("/", {"page": given})

    assert query_int(request, "page", default=1, min_value=1, max_value=999_999) == expected


def test_missing_number_is_the_default():
    assert query_int(RequestFactory().get("/"), "exclude") is None


@pytest.mark.django_db
def test_customer_page_with_a_superscript_page_number_shows_the_first_timeline_page(client, rep, customer):
    InteractionFactory(customer=customer, subject="Kick-off call")
    client.force_login(rep)

    response = client.get(customer.get_absolute_url(), {"page": "²"})

    assert response.status_code == 200
    assert "Kick-off call" in section_text(response, "timeline-heading")


@committed_db
def test_autocomplete_ignores_an_exclude_that_is_not_a_number(client, rep, customer):
    # given: two customers found by email prefix (committed: MariaDB's full-text index sees committed rows only)
    CustomerFactory(owner=rep, name="Birch Bakery", email="buyer@birch.test")
    client.force_login(rep)
    url = reverse("customers:customer-autocomplete")

    # when
    ignored = client.get(url, {"q": "buyer@", "exclude": "²"})
    excluded = client.get(url, {"q": "buyer@", "exclude": str(customer.pk)})

    # then
    assert ignored.status_code == 200
    assert [r["text"] for r in ignored.json()["results"]] == ["Acme Logistics Ltd", "Birch Bakery"]
    assert [r["text"] for r in excluded.json()["results"]] == ["Birch Bakery"]
