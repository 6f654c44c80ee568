"""Deleting moves a record and what hangs on it to the recycle bin: hidden everywhere, restored whole by its
owner or an administrator, purged by an administrator or after 30 days; nothing another owner sees goes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Contact, Customer, Interaction, Relationship
from records.models import AuditEntry, Deletion
from records.services import deletion_purge_expired
from records.tasks import recycle_bin_purge_task
from tests.customers._support import listed_names, page_text
from tests.factories.customers import (
    AdministratorFactory,
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(rep):
    customer = CustomerFactory(owner=rep, name="Acme Logistics Ltd", email="buyer@acme.test")
    ContactFactory(customer=customer, name="Pat Buyer")
    InteractionFactory(customer=customer, subject="Kick-off call")
    return customer


def _delete(client, customer):
    return client.post(reverse("customers:customer-delete", args=[customer.pk]))


def test_deleted_customer_is_gone_from_list_search_export_autocomplete_and_counts(client, rep, acme):
    # given
    client.force_login(rep)
    CustomerFactory(owner=rep, name="Birch Bakery")
    # when
    _delete(client, acme)
    # then
    listing = client.get(reverse("customers:customer-list"))
    assert listed_names(listing) == ["Birch Bakery"] and "1 customer" in page_text(listing)
    assert listed_names(client.get(reverse("customers:customer-list"), {"q": "buyer@acme.test"})) == []
    export = b"".join(client.get(reverse("customers:customer-export")).streaming_content).decode()
    assert "Acme" not in export and "Birch Bakery" in export
    assert client.get(reverse("customers:customer-autocomplete"), {"q": "Acme"}).json() == {"results": []}
    assert Customer.objects.count() == 1 and Customer.all_objects.count() == 2
    assert not Contact.objects.exists() and not Interaction.objects.exists()


def test_owner_sees_the_entry_and_restores_the_customer_whole(client, rep, acme):
    client.force_login(rep)
    _delete(client, acme)
    entry = Deletion.objects.get()

    page = page_text(client.get(reverse("records:recycle-bin")))
    response = client.post(reverse("records:deletion-restore", args=[entry.pk]), follow=True)

    assert "Acme Logistics Ltd" in page and "Contacts: 1" in page and "Interactions: 1" in page
    assert "“Acme Logistics Ltd” was restored." in page_text(response)
    assert list(Contact.objects.values_list("name", flat=True)) == ["Pat Buyer"]
    assert list(Interaction.objects.values_list("subject", flat=True)) == ["Kick-off call"]
    assert client.get(acme.get_absolute_url()).status_code == 200
    assert not Deletion.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RESTORE, actor=rep).exists()


def test_restore_brings_back_only_what_that_delete_took(client, rep, acme):
    # given: a contact deleted on its own first, then the customer
    own = ContactFactory(customer=acme, name="Left earlier")
    services.contact_delete(contact=own, by=rep)
    services.customer_delete(customer=acme, by=rep)
    entry = Deletion.objects.get(object_id=acme.pk, content_type__model="customer")
    client.force_login(rep)
    # when
    client.post(reverse("records:deletion-restore", args=[entry.pk]))
    # then
    assert list(Contact.objects.values_list("name", flat=True)) == ["Pat Buyer"]
    assert Contact.all_objects.get(name="Left earlier").deletion is not None


def test_another_rep_neither_sees_nor_restores_the_entry(client, rep, outsider, teammate, acme):
    services.customer_delete(customer=acme, by=rep)
    entry = Deletion.objects.get()
    for other in (outsider, teammate):
        client.force_login(other)
        assert "Acme" not in page_text(client.get(reverse("records:recycle-bin")))
        assert client.post(reverse("records:deletion-restore", args=[entry.pk])).status_code == 404
        assert client.post(reverse("records:deletion-purge", args=[entry.pk])).status_code == 404
    assert Customer.objects.filter(pk=acme.pk).count() == 0 and Deletion.objects.count() == 1


def test_manager_restores_a_team_members_customer(client, manager, rep, acme):
    services.customer_delete(customer=acme, by=rep)
    client.force_login(manager)

    client.post(reverse("records:deletion-restore", args=[Deletion.objects.get().pk]))

    assert Customer.objects.filter(pk=acme.pk).exists()


def test_only_an_administrator_purges_and_then_it_is_gone_for_good(client, rep, administrator, acme):
    services.customer_delete(customer=acme, by=rep)
    entry = Deletion.objects.get()
    client.force_login(rep)
    refused = client.post(reverse("records:deletion-purge", args=[entry.pk]), follow=True)
    assert "Only an administrator may purge" in page_text(refused)
    assert Customer.all_objects.filter(pk=acme.pk).exists()

    client.force_login(administrator)
    client.post(reverse("records:deletion-purge", args=[entry.pk]))

    assert not Customer.all_objects.filter(pk=acme.pk).exists()
    assert not Contact.all_objects.exists() and not Deletion.objects.exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.PURGE, actor=administrator, object_label="Acme Logistics Ltd"
    ).exists()


def test_relationship_to_another_owners_customer_stays_visible_to_that_owner(client, rep, outsider, acme):
    # given: the outsider's customer is related to the rep's
    theirs = CustomerFactory(owner=outsider, name="Zenith Foods GmbH")
    RelationshipFactory(from_customer=theirs, to_customer=acme, kind="client")
    # when the rep deletes their customer
    services.customer_delete(customer=acme, by=rep)
    # then the outsider still sees the relationship on their customer's page, without a link
    client.force_login(outsider)
    page = page_text(client.get(theirs.get_absolute_url()))
    assert Relationship.objects.count() == 1
    assert "Acme Logistics Ltd" in page and f'href="/customers/{acme.pk}/"' not in page


def test_purge_then_removes_the_relationship_the_other_owner_saw(rep, outsider, acme):
    theirs = CustomerFactory(owner=outsider)
    RelationshipFactory(from_customer=theirs, to_customer=acme, kind="client")
    entry = services.customer_delete(customer=acme, by=rep)

    deletion_purge_expired(now=entry.deleted_at + timedelta(days=31))

    assert not Relationship.all_objects.exists() and Customer.objects.filter(pk=theirs.pk).exists()


def test_nightly_task_purges_only_entries_older_than_30_days(rep, acme):
    old = services.customer_delete(customer=acme, by=rep)
    Deletion.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    recent = CustomerFactory(owner=rep, name="Recent")
    services.customer_delete(customer=recent, by=rep)

    assert recycle_bin_purge_task.apply().get() == 1

    assert list(Customer.all_objects.values_list("name", flat=True)) == ["Recent"]
    assert Deletion.objects.count() == 1


def test_contact_in_a_binned_customer_cannot_be_restored_alone(client, rep, acme):
    contact = Contact.objects.get()
    services.contact_delete(contact=contact, by=rep)
    services.customer_delete(customer=acme, by=rep)
    entry = Deletion.objects.get(content_type__model="contact")
    client.force_login(rep)

    response = client.post(reverse("records:deletion-restore", args=[entry.pk]), follow=True)

    assert "which is in the recycle bin: restore that first" in page_text(response)
    assert not Contact.objects.exists()


def test_administrator_sees_every_entry_and_the_purge_button(client, rep, outsider, acme):
    services.customer_delete(customer=acme, by=rep)
    services.customer_delete(customer=CustomerFactory(owner=outsider, name="Zenith Foods GmbH"), by=outsider)
    client.force_login(AdministratorFactory())

    page = page_text(client.get(reverse("records:recycle-bin")))

    assert "Acme Logistics Ltd" in page and "Zenith Foods GmbH" in page and "Purge now" in page


def test_empty_recycle_bin_says_so(client, rep):
    client.force_login(rep)
    assert "The recycle bin is empty." in page_text(client.get(reverse("records:recycle-bin")))


def test_recycle_bin_needs_sign_in_and_takes_only_post_for_actions(client, rep, acme):
    entry = services.customer_delete(customer=acme, by=rep)
    assert client.get(reverse("records:recycle-bin")).status_code == 302
    client.force_login(rep)
    assert client.get(reverse("records:deletion-restore", args=[entry.pk])).status_code == 405
