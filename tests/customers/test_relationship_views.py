"""Relating customers: picking the other side from the user's scope, refusals, editing, and the autocomplete."""

import re

import pytest
from django.urls import reverse

from customers.models import Relationship
from tests.customers._support import committed_db, page_text
from tests.factories.customers import CustomerFactory, RelationshipFactory

pytestmark = pytest.mark.django_db

NOT_AVAILABLE = "Select a customer from the suggestions; that one is not available."


def _create_url(customer) -> str:
    return reverse("customers:relationship-create", args=[customer.pk])


@pytest.fixture
def birch(rep):
    return CustomerFactory(owner=rep, name="Birch Bakery", city="Leeds")


def test_form_offers_search_limited_to_other_customers(client, rep, customer):
    client.force_login(rep)

    html = page_text(client.get(_create_url(customer)))

    assert f'data-url="{reverse("customers:customer-autocomplete")}?exclude={customer.pk}"' in html
    assert 'type="hidden" name="to_customer"' in html


def test_relationship_to_customer_in_scope_is_saved(client, rep, customer, birch):
    client.force_login(rep)

    response = client.post(
        _create_url(customer), {"to_customer": birch.pk, "kind": "partner", "status": "good", "notes": "Joint tender"}
    )

    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    relationship = Relationship.objects.get()
    assert (relationship.from_customer, relationship.to_customer, relationship.kind) == (customer, birch, "partner")
    assert "The relationship was added." in page_text(client.get(response.url))


def test_manager_relates_customers_of_two_team_members(client, manager, teammate, customer):
    cobalt = CustomerFactory(owner=teammate, name="Cobalt Mining")
    client.force_login(manager)

    response = client.post(_create_url(customer), {"to_customer": cobalt.pk, "kind": "client", "status": "good"})

    assert response.status_code == 302
    assert Relationship.objects.filter(from_customer=customer, to_customer=cobalt).exists()


@pytest.mark.parametrize("other_kind", ["outsider", "teammate"])
def test_tampered_id_of_customer_outside_scope_is_refused(
    client, rep, teammate, customer, foreign_customer, other_kind
):
    # given: the hidden field is set by hand to a customer the rep cannot see
    other = foreign_customer if other_kind == "outsider" else CustomerFactory(owner=teammate, name="Cobalt Mining")
    client.force_login(rep)

    # when
    response = client.post(_create_url(customer), {"to_customer": other.pk, "kind": "partner", "status": "good"})

    # then
    html = page_text(response)
    assert response.status_code == 200
    assert NOT_AVAILABLE in html
    assert other.name not in html
    assert not Relationship.objects.exists()


def test_relationship_to_itself_is_refused(client, rep, customer):
    client.force_login(rep)

    response = client.post(_create_url(customer), {"to_customer": customer.pk, "kind": "partner", "status": "good"})

    assert NOT_AVAILABLE in page_text(response)
    assert not Relationship.objects.exists()


def test_missing_related_customer_is_refused(client, rep, customer):
    client.force_login(rep)

    response = client.post(_create_url(customer), {"to_customer": "", "kind": "partner", "status": "good"})

    assert "This field is required." in page_text(response)
    assert not Relationship.objects.exists()


def test_same_relationship_twice_is_refused_with_message(client, rep, customer, birch):
    # given
    RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    client.force_login(rep)

    # when
    response = client.post(_create_url(customer), {"to_customer": birch.pk, "kind": "partner", "status": "average"})

    # then
    assert response.status_code == 200
    assert "already exists" in page_text(response)
    assert Relationship.objects.count() == 1


def test_same_pair_with_another_kind_is_allowed(client, rep, customer, birch):
    RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    client.force_login(rep)

    response = client.post(_create_url(customer), {"to_customer": birch.pk, "kind": "client", "status": "good"})

    assert response.status_code == 302
    assert Relationship.objects.count() == 2


def test_edit_changes_kind_and_status_but_not_the_customers(client, rep, customer, birch):
    # given
    relationship = RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    other = CustomerFactory(owner=rep, name="Cedar Systems")
    url = reverse("customers:relationship-update", args=[customer.pk, relationship.pk])
    client.force_login(rep)

    # when
    form = page_text(client.get(url))
    response = client.post(
        url, {"to_customer": other.pk, "kind": "client", "status": "deteriorating", "version": relationship.version}
    )

    # then
    assert "Acme Logistics Ltd → Birch Bakery" in form
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert (relationship.to_customer, relationship.kind, relationship.status) == (birch, "client", "deteriorating")


def test_edit_into_an_existing_relationship_is_refused(client, rep, customer, birch):
    RelationshipFactory(from_customer=customer, to_customer=birch, kind="client")
    relationship = RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    client.force_login(rep)

    response = client.post(
        reverse("customers:relationship-update", args=[customer.pk, relationship.pk]),
        {"kind": "client", "status": "good", "version": relationship.version},
    )

    assert "already exists" in page_text(response)
    relationship.refresh_from_db()
    assert relationship.kind == "partner"


def test_relationship_can_be_edited_and_deleted_from_the_other_customer(client, rep, customer, birch):
    relationship = RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    client.force_login(rep)

    edit = client.post(
        reverse("customers:relationship-update", args=[birch.pk, relationship.pk]),
        {"kind": "partner", "status": "average", "version": relationship.version},
    )
    delete = client.post(reverse("customers:relationship-delete", args=[birch.pk, relationship.pk]))

    assert edit.status_code == delete.status_code == 302
    assert not Relationship.objects.exists()


def test_relationship_with_customer_outside_scope_cannot_be_changed(client, rep, customer, foreign_customer):
    relationship = RelationshipFactory(from_customer=foreign_customer, to_customer=customer, kind="partner")
    client.force_login(rep)

    edit = client.post(
        reverse("customers:relationship-update", args=[customer.pk, relationship.pk]),
        {"kind": "friend", "status": "good"},
    )
    delete = client.post(reverse("customers:relationship-delete", args=[customer.pk, relationship.pk]))

    assert edit.status_code == delete.status_code == 404
    relationship.refresh_from_db()
    assert relationship.kind == "partner"


# Autocomplete ----------------------------------------------------------------------------------------------------

AUTOCOMPLETE = reverse("customers:customer-autocomplete")


@committed_db
def test_autocomplete_suggests_only_customers_in_scope(client, rep, customer, foreign_customer, teammate):
    # given: similar names owned by the rep, a teammate and another team's rep
    CustomerFactory(owner=rep, name="Acme Bakery", city="York")
    CustomerFactory(owner=teammate, name="Acme Teammate Co")
    foreign_customer.name = "Acme Foreign GmbH"
    foreign_customer.save()
    client.force_login(rep)

    # when
    results = client.get(AUTOCOMPLETE, {"q": "acme"}).json()["results"]

    # then
    assert [(r["text"], r["city"]) for r in results] == [("Acme Bakery", "York"), ("Acme Logistics Ltd", "London")]


@committed_db
def test_autocomplete_leaves_out_the_excluded_customer(client, rep, customer):
    CustomerFactory(owner=rep, name="Acme Bakery")
    client.force_login(rep)

    results = client.get(AUTOCOMPLETE, {"q": "acme", "exclude": customer.pk}).json()["results"]

    assert [r["text"] for r in results] == ["Acme Bakery"]


def test_autocomplete_needs_two_characters(client, rep, customer):
    client.force_login(rep)

    assert client.get(AUTOCOMPLETE, {"q": "a"}).json() == {"results": []}


@committed_db
def test_autocomplete_finds_by_email_and_phone_in_scope_only(client, rep, customer, foreign_customer):
    client.force_login(rep)

    by_email = client.get(AUTOCOMPLETE, {"q": "info@zenith"}).json()["results"]
    by_phone = client.get(AUTOCOMPLETE, {"q": "44 20 7946"}).json()["results"]

    assert by_email == []
    assert [r["id"] for r in by_phone] == [customer.pk]


def test_autocomplete_requires_login(client, customer):
    response = client.get(AUTOCOMPLETE, {"q": "acme"})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _search_box_value(response) -> str:
    match = re.search(r'<input type="search" id="to-customer-search"[^>]*value="([^"]*)"', page_text(response), re.S)
    assert match, "the search box is on the page"
    return match.group(1)


def test_refused_relationship_keeps_the_chosen_customers_name(client, rep, customer, birch):
    # given: a customer picked from the suggestions, but no relationship chosen
    client.force_login(rep)

    # when
    response = client.post(_create_url(customer), {"to_customer": birch.pk, "kind": "", "status": "good"})

    # then: the form comes back with the name in the search box, next to the id it stands for
    assert response.status_code == 200 and "This field is required." in page_text(response)
    assert _search_box_value(response) == "Birch Bakery"
    assert f'name="to_customer" value="{birch.pk}"' in page_text(response)


def test_relationship_the_service_refuses_keeps_the_chosen_customers_name(client, rep, customer, birch):
    RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    client.force_login(rep)

    response = client.post(_create_url(customer), {"to_customer": birch.pk, "kind": "partner", "status": "good"})

    assert response.status_code == 200 and Relationship.objects.count() == 1
    assert _search_box_value(response) == "Birch Bakery"


@pytest.mark.parametrize("posted", ["not-a-number", "99999999", ""])
def test_refused_relationship_without_a_valid_pick_leaves_the_search_box_empty(client, rep, customer, posted):
    client.force_login(rep)

    response = client.post(_create_url(customer), {"to_customer": posted, "kind": "partner", "status": "good"})

    assert response.status_code == 200
    assert _search_box_value(response) == ""


def test_refused_relationship_never_names_a_customer_outside_reach(client, rep, customer, foreign_customer):
    client.force_login(rep)

    response = client.post(_create_url(customer), {"to_customer": foreign_customer.pk, "kind": "", "status": "good"})

    assert _search_box_value(response) == ""
    assert foreign_customer.name not in page_text(response)
