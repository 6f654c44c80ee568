"""The admin saves and deletes through the same services as the pages: deletes go to the recycle bin, inline
contacts too, bulk deletes too, and a relationship needs both customers in reach."""

import pytest
from django.urls import reverse

from customers.models import Contact, Customer, Relationship
from records.models import AuditEntry, Deletion
from tests.factories.customers import AdministratorFactory, ContactFactory, CustomerFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_rep(rep):
    rep.is_staff = True
    rep.save()
    return rep


def test_admin_delete_moves_the_customer_to_the_recycle_bin(client, customer):
    ContactFactory(customer=customer)
    administrator = AdministratorFactory()
    client.force_login(administrator)

    client.post(reverse("admin:customers_customer_delete", args=[customer.pk]), {"post": "yes"})

    assert Customer.all_objects.get(pk=customer.pk).deletion == Deletion.objects.get()
    assert Deletion.objects.get().summary == {"customers.contact": 1}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, actor=administrator).exists()


def test_admin_bulk_delete_goes_through_the_service_row_by_row(client, rep):
    first, second = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    client.force_login(AdministratorFactory())

    client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert not Customer.objects.exists() and Deletion.objects.count() == 2


def test_inline_contact_delete_and_add_go_through_the_services(client, rep, customer):
    old = ContactFactory(customer=customer, name="Old Contact")
    client.force_login(AdministratorFactory())
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    response = client.post(
        url,
        {
            "kind": "company",
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "tier": customer.tier,
            "lifecycle_stage": customer.lifecycle_stage,
            "owner": rep.pk,
            "seen_version": 1,
            "contacts-TOTAL_FORMS": 2,
            "contacts-INITIAL_FORMS": 1,
            "contacts-MIN_NUM_FORMS": 0,
            "contacts-MAX_NUM_FORMS": 1000,
            "contacts-0-id": old.pk,
            "contacts-0-customer": customer.pk,
            "contacts-0-name": "Old Contact",
            "contacts-0-DELETE": "on",
            "contacts-1-customer": customer.pk,
            "contacts-1-name": "New Contact",
            "contacts-1-email": "NEW@ACME.TEST",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Contact.objects.values_list("name", "email")) == [("New Contact", "new@acme.test")]
    assert Contact.all_objects.get(pk=old.pk).deletion is not None


def test_staff_rep_cannot_relate_their_customer_to_another_owners_in_the_admin(
    client, staff_rep, customer, foreign_customer
):
    client.force_login(staff_rep)

    response = client.post(
        reverse("admin:customers_relationship_add"),
        {"from_customer": customer.pk, "to_customer": foreign_customer.pk, "kind": "partner", "status": "good"},
    )

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Relationship.objects.exists()


def test_staff_rep_does_not_see_a_relationship_with_one_side_outside_reach(
    client, staff_rep, customer, foreign_customer
):
    relationship = RelationshipFactory(from_customer=customer, to_customer=foreign_customer)
    client.force_login(staff_rep)

    listing = client.get(reverse("admin:customers_relationship_changelist"))
    change = client.get(reverse("admin:customers_relationship_change", args=[relationship.pk]))

    assert "Zenith" not in listing.content.decode()
    assert change.status_code == 302  # the admin's "does not exist" redirect, as for any missing id
