"""What the kit puts around every page, seen on the customer pages: the app's sub-navigation, breadcrumbs from the
app's first page to this one, and a list whose table can be fetched alone."""

import re

import pytest
from django.urls import reverse

from accounts.roles import SUPPORT_AGENT
from tests.customers._support import listed_names, page_text
from tests.factories.customers import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("customers:customer-list")


def _breadcrumbs(response) -> list[str]:
    match = re.search(r'<ol class="breadcrumb small">(.*?)</ol>', page_text(response), re.S)
    if not match:
        return []
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S)
    ]


def _subnav(response) -> list[str]:
    match = re.search(
        r'<nav class="nav nav-underline[^"]*" aria-label="Customer pages">(.*?)</nav>', page_text(response), re.S
    )
    assert match, "no sub-navigation on the page"
    return [
        ("*" if "aria-current" in attrs else "") + label
        for attrs, label in re.findall(r"<a ([^>]*)>([^<]*)</a>", match.group(1))
    ]


def test_pages_under_a_customer_lead_back_through_the_customer(client, rep, customer):
    contact = ContactFactory(customer=customer, name="Pat Buyer")
    client.force_login(rep)

    def crumbs(name, *args):
        return _breadcrumbs(client.get(reverse(f"customers:{name}", args=[customer.pk, *args])))

    assert crumbs("customer-detail") == ["Customers", "Acme Logistics Ltd"]
    assert crumbs("customer-update") == ["Customers", "Acme Logistics Ltd", "Edit"]
    assert crumbs("customer-history") == ["Customers", "Acme Logistics Ltd", "Change history"]
    assert crumbs("customer-delete") == ["Customers", "Acme Logistics Ltd", "Delete"]
    assert crumbs("contact-create") == ["Customers", "Acme Logistics Ltd", "Add contact"]
    assert crumbs("contact-update", contact.pk) == ["Customers", "Acme Logistics Ltd", "Edit contact"]
    assert crumbs("contact-delete", contact.pk) == ["Customers", "Acme Logistics Ltd", "Delete"]
    assert _breadcrumbs(client.get(reverse("customers:customer-create"))) == ["Customers", "New customer"]


def test_the_list_is_the_first_page_and_has_no_breadcrumbs(client, rep, customer):
    client.force_login(rep)

    assert _breadcrumbs(client.get(LIST_URL)) == []


def test_sub_navigation_marks_the_current_page_and_offers_only_what_the_user_may_do(client, rep, customer):
    agent = UserFactory(username="agent.one", role=SUPPORT_AGENT)

    client.force_login(rep)
    assert _subnav(client.get(LIST_URL)) == ["*Customers", "New customer"]
    assert _subnav(client.get(reverse("customers:customer-create"))) == ["Customers", "*New customer"]
    assert _subnav(client.get(customer.get_absolute_url())) == ["Customers", "New customer"]

    client.force_login(agent)
    assert _subnav(client.get(LIST_URL)) == ["*Customers"]


def test_a_script_can_fetch_the_results_table_alone(client, rep):
    # given
    CustomerFactory(owner=rep, name="Birch Bakery")
    CustomerFactory(owner=rep, name="Cedar Systems")
    client.force_login(rep)

    # when
    response = client.get(LIST_URL, {"sort": "-name"}, headers={"X-Requested-With": "XMLHttpRequest"})

    # then: the table with its count and sort links, without the page around it
    html = page_text(response)
    assert response.status_code == 200
    assert "<html" not in html and 'role="search"' not in html
    assert listed_names(response) == ["Cedar Systems", "Birch Bakery"]
    assert "2 customers" in html and 'href="?sort=name"' in html


def test_header_cells_come_from_the_declared_columns(client, rep):
    client.force_login(rep)

    html = page_text(client.get(LIST_URL, {"tier": "A"}))

    headers = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", html, re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in headers] == [
        "",  # the tick box that chooses every row of the page for a bulk change
        "Name ▲",
        "Email",
        "Phone",
        "Location",
        "Tier",
        "Stage",
        "Owner",
        "Last contacted",
        "Tags",
        "Updated",
    ]
    assert '<a href="?tier=A&sort=country">' in html
    assert '<th scope="col" class="col-tags">Tags</th>' in html
