"""Edits that never overwrite each other: a form, admin page or service holding an old version is refused with
what changed, keeps the user's values, and saves only when the user saves again."""

import pytest
from django.test import Client
from django.urls import reverse

from customers import services
from customers.models import Customer
from records.versioning import StaleVersionError
from tests.customers._support import page_text
from tests.factories.customers import AdministratorFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _form(customer, **overrides) -> dict:
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "country": str(customer.country.code or ""),
        "tier": customer.tier,
        "lifecycle_stage": customer.lifecycle_stage,
        "owner": customer.owner_id,
        "version": customer.version,
    }
    return {**data, **overrides}


def test_stale_form_shows_the_other_change_and_saves_nothing(rep, manager, customer):
    # given: the rep and the manager both open the edit form at version 1
    rep_client, manager_client = Client(), Client()
    rep_client.force_login(rep), manager_client.force_login(manager)
    url = reverse("customers:customer-update", args=[customer.pk])
    opened = Customer.objects.get(pk=customer.pk)
    # when: the rep changes the phone, then the manager saves tier A from the form opened before
    assert rep_client.post(url, _form(opened, phone="+44 20 7946 0999")).status_code == 302
    response = manager_client.post(url, _form(opened, tier="A"))
    # then: the manager sees the rep's change and nothing of theirs was written
    html = page_text(response)
    assert response.status_code == 200
    assert "Someone else changed this record after you opened it." in html
    assert "Changed by Rita Rep since you opened this form:" in html
    assert "+44 20 7946 0001" in html and "+44 20 7946 0999" in html
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.phone, saved.tier, saved.version) == ("+44 20 7946 0999", "B", 2)
    # and their own choice is still in the form, armed with the current version
    assert 'value="A" selected' in html or '<option value="A" selected>' in html
    assert 'name="version" value="2"' in html


def test_saving_again_after_the_conflict_keeps_the_second_persons_values(rep, manager, customer):
    rep_client, manager_client = Client(), Client()
    rep_client.force_login(rep), manager_client.force_login(manager)
    url = reverse("customers:customer-update", args=[customer.pk])
    opened = Customer.objects.get(pk=customer.pk)
    rep_client.post(url, _form(opened, phone="+44 20 7946 0999"))
    manager_client.post(url, _form(opened, tier="A"))

    # when: the manager saves again, now with the version the conflict page carried
    response = manager_client.post(url, _form(opened, tier="A", phone="+44 20 7946 0999", version=2))

    assert response.status_code == 302
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.phone, saved.tier, saved.version) == ("+44 20 7946 0999", "A", 3)


def test_stale_contact_form_is_refused(client, rep, customer):
    contact = ContactFactory(customer=customer, name="Pat Buyer")
    services.contact_update(contact=contact, by=rep, role="Head of purchasing")
    client.force_login(rep)

    response = client.post(
        reverse("customers:contact-update", args=[customer.pk, contact.pk]), {"name": "Pat B.", "version": 1}
    )

    assert "Someone else changed this record" in page_text(response)
    contact.refresh_from_db()
    assert (contact.name, contact.role) == ("Pat Buyer", "Head of purchasing")


def test_service_called_by_a_task_with_an_old_version_raises(rep, customer):
    services.customer_update(customer=Customer.objects.get(pk=customer.pk), by=rep, tier="A")

    with pytest.raises(StaleVersionError) as caught:
        services.customer_update(customer=Customer.objects.get(pk=customer.pk), by=rep, expected_version=1, tier="C")

    assert [c.field for c in caught.value.changes] == ["tier"]
    assert Customer.objects.get(pk=customer.pk).tier == "A"


def test_bulk_and_task_writes_without_a_version_still_raise_it(rep, customer):
    services.customer_update(customer=Customer.objects.get(pk=customer.pk), by=rep, tier="A")
    services.customer_update(customer=Customer.objects.get(pk=customer.pk), by=rep, tier="C")

    assert Customer.objects.get(pk=customer.pk).version == 3


def test_admin_change_form_opened_before_another_change_is_refused(client, rep, customer):
    administrator = AdministratorFactory()
    client.force_login(administrator)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    page = page_text(client.get(url))
    assert 'name="seen_version" value="1"' in page
    services.customer_update(customer=Customer.objects.get(pk=customer.pk), by=rep, phone="+44 20 7946 0999")

    response = client.post(
        url,
        {
            "kind": "company",
            "name": "Acme Logistics Ltd",
            "email": "buyer@acme.test",
            "phone": "+44 20 7946 0001",
            "tier": "A",
            "lifecycle_stage": "prospect",
            "owner": rep.pk,
            "seen_version": 1,
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "Someone else changed this record after you opened it" in page_text(response)
    assert Customer.objects.get(pk=customer.pk).tier == "B"


def test_contact_edit_page_shows_the_contacts_field_history(client, rep, customer):
    contact = ContactFactory(customer=customer, name="Pat Buyer", role="Buyer")
    services.contact_update(contact=contact, by=rep, role="Head of purchasing")
    client.force_login(rep)

    page = page_text(client.get(reverse("customers:contact-update", args=[customer.pk, contact.pk])))

    assert "Change history" in page and "Buyer" in page and "Head of purchasing" in page and "Rita Rep" in page
