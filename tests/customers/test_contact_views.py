"""Adding, editing and deleting the people at a customer; one primary contact at a time."""

import pytest
from django.urls import reverse

from customers.models import Contact
from tests.customers._support import page_text, section_text
from tests.factories.customers import ContactFactory

pytestmark = pytest.mark.django_db


def _create_url(customer) -> str:
    return reverse("customers:contact-create", args=[customer.pk])


def _form(**overrides) -> dict:
    data = {"name": "Li Na", "role": "Purchasing manager", "email": "Li.Na@Acme.test", "phone": "+86 10 6000 1234"}
    data.update(overrides)
    return data


def test_new_contact_is_added_and_shown_on_the_customer_page(client, rep, customer):
    client.force_login(rep)

    response = client.post(_create_url(customer), _form())

    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    contact = Contact.objects.get()
    assert contact.customer == customer and contact.email == "li.na@acme.test"
    page = client.get(response.url)
    assert "Contact “Li Na” was added." in page_text(page)
    assert "Li Na" in section_text(page, "contacts-heading")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"email": "li.na@"}, "Enter a valid email address."),
        (
            {"phone": "extension twelve"},
            "Enter a phone number using digits, spaces, dashes, brackets and an optional leading +.",
        ),
        ({"phone": "12345"}, "A phone number has between 6 and 15 digits."),
    ],
)
def test_bad_contact_shows_message_and_saves_nothing(client, rep, customer, overrides, message):
    client.force_login(rep)

    response = client.post(_create_url(customer), _form(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Contact.objects.exists()


def test_second_primary_contact_replaces_the_first(client, rep, customer):
    # given
    first = ContactFactory(customer=customer, name="Old Primary", is_primary=True)
    client.force_login(rep)

    # when
    client.post(_create_url(customer), _form(name="New Primary", is_primary="on"))

    # then
    first.refresh_from_db()
    assert not first.is_primary
    assert list(Contact.objects.filter(is_primary=True).values_list("name", flat=True)) == ["New Primary"]
    contacts = section_text(client.get(customer.get_absolute_url()), "contacts-heading")
    assert contacts.index("New Primary Primary") < contacts.index("Old Primary")


def test_making_an_existing_contact_primary_unsets_the_other(client, rep, customer):
    first = ContactFactory(customer=customer, name="Old Primary", is_primary=True)
    second = ContactFactory(customer=customer, name="Second")
    client.force_login(rep)

    client.post(
        reverse("customers:contact-update", args=[customer.pk, second.pk]),
        _form(name="Second", is_primary="on", version=second.version),
    )

    first.refresh_from_db(), second.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_primary_contact_of_another_customer_is_left_alone(client, rep, customer):
    elsewhere = ContactFactory(customer__owner=rep, name="Elsewhere", is_primary=True)
    client.force_login(rep)

    client.post(_create_url(customer), _form(is_primary="on"))

    elsewhere.refresh_from_db()
    assert elsewhere.is_primary


def test_edit_form_is_prefilled_and_saves_changes(client, rep, customer):
    contact = ContactFactory(customer=customer, name="Pat Buyer", role="Buyer")
    url = reverse("customers:contact-update", args=[customer.pk, contact.pk])
    client.force_login(rep)

    form = page_text(client.get(url))
    response = client.post(url, _form(name="Pat Buyer", role="Head of purchasing", version=contact.version))

    assert 'value="Pat Buyer"' in form and "Edit contact" in form
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Head of purchasing"


def test_delete_removes_the_contact(client, rep, customer):
    contact = ContactFactory(customer=customer, name="Pat Buyer")
    url = reverse("customers:contact-delete", args=[customer.pk, contact.pk])
    client.force_login(rep)

    response = client.post(url, follow=True)

    assert "“Pat Buyer” was moved to the recycle bin." in page_text(response)
    assert not Contact.objects.exists()


def test_contact_of_another_customer_cannot_be_reached_through_this_one(client, rep, customer):
    other = ContactFactory(customer__owner=rep, name="Other Person")
    client.force_login(rep)

    edit = client.post(reverse("customers:contact-update", args=[customer.pk, other.pk]), _form(name="Moved"))
    delete = client.post(reverse("customers:contact-delete", args=[customer.pk, other.pk]))

    assert edit.status_code == delete.status_code == 404
    other.refresh_from_db()
    assert other.name == "Other Person"
