"""Deleting a customer: a confirmation page, then the customer and what hangs off it go to the recycle bin."""

import pytest
from django.urls import reverse

from customers.models import Contact, Customer, Interaction, Relationship
from records.models import AuditEntry, Deletion
from tests.customers._support import listed_names, page_text
from tests.factories.customers import ContactFactory, CustomerFactory, InteractionFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


def _url(customer) -> str:
    return reverse("customers:customer-delete", args=[customer.pk])


def test_get_asks_for_confirmation_and_deletes_nothing(client, rep, customer):
    client.force_login(rep)

    response = client.get(_url(customer))

    html = page_text(response)
    assert response.status_code == 200
    assert "Delete Acme Logistics Ltd?" in html
    assert "move to the recycle bin" in html and "for 30 days" in html
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_post_deletes_customer_with_contacts_interactions_and_relationships(client, rep, customer):
    # given
    other = CustomerFactory(owner=rep, name="Birch Bakery")
    ContactFactory(customer=customer)
    InteractionFactory(customer=customer)
    InteractionFactory(customer=other, subject="Kept call")
    RelationshipFactory(from_customer=customer, to_customer=other)
    RelationshipFactory(from_customer=other, to_customer=customer, kind="client")
    client.force_login(rep)

    # when
    response = client.post(_url(customer))

    # then
    assert response.status_code == 302 and response.url == reverse("customers:customer-list")
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not Contact.objects.filter(customer_id=customer.pk).exists()
    assert list(Interaction.objects.values_list("subject", flat=True)) == ["Kept call"]
    assert not Relationship.objects.exists()
    assert Customer.objects.filter(pk=other.pk).exists()


def test_after_delete_list_says_so_and_no_longer_shows_it(client, rep, customer):
    client.force_login(rep)

    response = client.post(_url(customer), follow=True)

    assert "Customer “Acme Logistics Ltd” was moved to the recycle bin." in page_text(response)
    assert "Acme Logistics Ltd" not in listed_names(response)


def test_delete_is_kept_in_the_recycle_bin_and_audit_log_with_the_user(client, rep, customer):
    ContactFactory(customer=customer)
    client.force_login(rep)

    client.post(_url(customer))

    entry = Deletion.objects.get()
    assert (entry.label, entry.owner, entry.deleted_by, entry.summary) == (
        "Acme Logistics Ltd",
        rep,
        rep,
        {"customers.contact": 1},
    )
    assert Customer.all_objects.get(pk=customer.pk).deletion == entry
    audit = AuditEntry.objects.get(action=AuditEntry.Action.DELETE)
    assert (audit.actor, audit.object_label, audit.object_id) == (rep, "Acme Logistics Ltd", str(customer.pk))


def test_manager_deletes_team_members_customer(client, manager, customer):
    client.force_login(manager)

    response = client.post(_url(customer))

    assert response.status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()


def test_deleted_customer_page_answers_404(client, rep, customer):
    client.force_login(rep)
    client.post(_url(customer))

    assert client.get(customer.get_absolute_url()).status_code == 404
