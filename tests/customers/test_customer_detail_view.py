"""The customer page: profile, contacts, relationships both ways, the timeline and the change history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.services import customer_update
from tests.customers._support import section_text, visible_text
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    RelationshipFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def test_profile_shows_the_customers_fields(client, rep):
    # given
    customer = CustomerFactory(
        owner=rep,
        name="Nova Robotics",
        email="hello@nova.test",
        phone="+86 21 5555 0101",
        address="1 Century Ave",
        city="Shanghai",
        country="CN",
        industry="technology",
        source="referral",
        tier="A",
        lifecycle_stage="customer",
        notes="Prefers WeChat.",
        tags=[TagFactory(name="VIP")],
    )
    client.force_login(rep)

    # when
    response = client.get(customer.get_absolute_url())

    # then
    profile = section_text(response, "profile-heading")
    for expected in (
        "Email hello@nova.test",
        "Phone +86 21 5555 0101",
        "Address 1 Century Ave",
        "City Shanghai",
        "Country China",
        "Industry Technology",
        "Source Referral",
        "Tier A – key account",
        "Owner Rita Rep",
        "Prefers WeChat.",
    ):
        assert expected in profile
    text = visible_text(response)
    assert "Nova Robotics" in text and "VIP" in text and "Customer" in text


def test_contacts_list_primary_first(client, rep, customer):
    ContactFactory(customer=customer, name="Zoe Zimmer", is_primary=False)
    ContactFactory(customer=customer, name="Bob Boss", is_primary=True, role="CEO")
    ContactFactory(customer=customer, name="Amy Adams", is_primary=False)
    client.force_login(rep)

    contacts = section_text(client.get(customer.get_absolute_url()), "contacts-heading")

    assert contacts.index("Bob Boss Primary") < contacts.index("Amy Adams") < contacts.index("Zoe Zimmer")
    assert "CEO" in contacts


def test_relationships_show_both_directions(client, rep, customer):
    # given
    birch = CustomerFactory(owner=rep, name="Birch Bakery")
    cedar = CustomerFactory(owner=rep, name="Cedar Systems")
    RelationshipFactory(from_customer=customer, to_customer=birch, kind="partner")
    RelationshipFactory(from_customer=cedar, to_customer=customer, kind="client")
    client.force_login(rep)

    # when
    response = client.get(customer.get_absolute_url())

    # then
    relationships = section_text(response, "relationships-heading")
    assert "Partner of Birch Bakery" in relationships
    assert "Has as client Cedar Systems" in relationships
    html = response.content.decode()
    assert f'href="{birch.get_absolute_url()}"' in html and f'href="{cedar.get_absolute_url()}"' in html


def test_related_customer_outside_scope_is_named_without_link(client, rep, customer, foreign_customer):
    relationship = RelationshipFactory(from_customer=foreign_customer, to_customer=customer, kind="parent_company")
    client.force_login(rep)

    response = client.get(customer.get_absolute_url())

    assert "Zenith Foods GmbH" in section_text(response, "relationships-heading")
    html = response.content.decode()
    assert foreign_customer.get_absolute_url() not in html
    assert reverse("customers:relationship-update", args=[customer.pk, relationship.pk]) not in html


def test_timeline_lists_newest_first_and_pages_by_20(client, rep, customer):
    # given: 21 interactions an hour apart; "Call 01" is the newest
    now = timezone.now()
    for number in range(21, 0, -1):
        InteractionFactory(customer=customer, subject=f"Call {number:02d}", occurred_at=now - timedelta(hours=number))
    client.force_login(rep)

    # when
    first = section_text(client.get(customer.get_absolute_url()), "timeline-heading")
    second = section_text(client.get(customer.get_absolute_url(), {"page": 2}), "timeline-heading")

    # then
    subjects = [f"Call {n:02d}" for n in range(1, 21)]
    positions = [first.index(s) for s in subjects]
    assert positions == sorted(positions)
    assert "Call 21" not in first and "Older →" in first
    assert "Call 21" in second and "Call 20" not in second and "← Newer" in second


def test_timeline_names_who_logged_each_interaction(client, rep, manager, customer):
    InteractionFactory(
        customer=customer,
        subject="Quarterly review",
        user=manager,
        summary="Went well.",
        outcome="positive",
        next_step="Send contract",
    )
    client.force_login(rep)

    timeline = section_text(client.get(customer.get_absolute_url()), "timeline-heading")

    assert "Quarterly review" in timeline and "Went well." in timeline
    assert "Outcome: Positive" in timeline and "Next step: Send contract" in timeline
    assert "by Mona Manager" in timeline


def test_history_shows_old_and_new_values_with_labels(client, manager, rep, teammate, customer):
    # given: the manager moves the customer to tier A and to the teammate
    client.force_login(manager)
    data = {
        "kind": "company",
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "country": "GB",
        "tier": "A",
        "lifecycle_stage": customer.lifecycle_stage,
        "owner": teammate.pk,
        "version": customer.version,
    }
    assert client.post(reverse("customers:customer-update", args=[customer.pk]), data).status_code == 302

    # when
    history = section_text(client.get(customer.get_absolute_url()), "history-heading")

    # then: newest first, with display labels and the people's names
    assert history.index("Changed by Mona Manager") < history.index("Created by")
    assert "Tier B – regular → A – key account" in history
    assert "Owner Rita Rep → Tom Mate" in history


def test_history_shows_tag_changes(client, rep, customer):
    customer_update(customer=customer, by=rep, tags=[TagFactory(name="VIP"), TagFactory(name="Reseller")])
    client.force_login(rep)

    history = section_text(client.get(customer.get_absolute_url()), "history-heading")

    assert "Tags — → Reseller, VIP" in history


def test_customer_page_shows_latest_ten_changes_and_full_history_shows_all(client, rep, customer):
    # given: 12 changes after the creation
    for number in range(1, 13):
        customer_update(customer=customer, by=rep, notes=f"Note {number:02d}")
    client.force_login(rep)

    # when
    on_page = section_text(client.get(customer.get_absolute_url()), "history-heading")
    full = visible_text(client.get(reverse("customers:customer-history", args=[customer.pk])))

    # then
    assert "Note 11 → Note 12" in on_page and "Note 02 → Note 03" in on_page
    assert "Note 01 → Note 02" not in on_page
    assert on_page.count("Changed by") == 10
    assert full.count("Changed by") == 12 and full.count("Created by") == 1
    assert "History of Acme Logistics Ltd" in full


def test_full_history_pages_by_50(client, rep, customer):
    for number in range(1, 55):
        customer_update(customer=customer, by=rep, notes=f"Note {number:02d}")
    url = reverse("customers:customer-history", args=[customer.pk])
    client.force_login(rep)

    first, second = visible_text(client.get(url)), visible_text(client.get(url, {"page": 2}))

    assert first.count("Changed by") == 50 and "Page 1 of 2" in first
    assert second.count("Changed by") == 4 and second.count("Created by") == 1
    assert "Note 54" in first and "→ Note 01" in second


def test_changes_made_outside_the_app_show_as_unknown_user(client, rep, customer):
    Customer.objects.get(pk=customer.pk).save()  # e.g. a shell or a data fix: no user recorded
    client.force_login(rep)

    history = section_text(client.get(customer.get_absolute_url()), "history-heading")

    assert "Changed by —" in history


@pytest.mark.parametrize("page", ["99", "99999999999999999999999"])
def test_timeline_page_beyond_the_last_still_shows_a_sensible_page(client, rep, customer, page):
    # A stale or hand-edited ?page= must neither fail nor claim that nothing was logged.
    InteractionFactory(customer=customer, subject="Only call")
    client.force_login(rep)

    response = client.get(customer.get_absolute_url(), {"page": page})

    assert response.status_code == 200
    assert "Nothing logged yet." not in section_text(response, "timeline-heading")
