"""Editing a customer: saved changes, reassignment within the team, refused input, and the change history."""

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.customers._support import page_text, select_options
from tests.factories.customers import TagFactory

pytestmark = pytest.mark.django_db


def _url(customer) -> str:
    return reverse("customers:customer-update", args=[customer.pk])


def _form(customer, **overrides) -> dict:
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address,
        "city": customer.city,
        "country": str(customer.country.code or ""),
        "industry": customer.industry,
        "source": customer.source,
        "tier": customer.tier,
        "lifecycle_stage": customer.lifecycle_stage,
        "owner": customer.owner_id,
        "notes": customer.notes,
        "tags": [t.pk for t in customer.tags.all()],
        "version": customer.version,
    }
    data.update(overrides)
    return data


def test_form_is_prefilled_with_the_customer(client, rep, customer):
    client.force_login(rep)

    response = client.get(_url(customer))

    html = page_text(response)
    assert response.status_code == 200
    assert "Edit Acme Logistics Ltd" in html
    assert 'value="buyer@acme.test"' in html and 'value="+44 20 7946 0001"' in html


def test_valid_change_is_saved_and_user_sent_to_customer_page(client, rep, customer):
    # given
    vip = TagFactory(name="VIP")
    client.force_login(rep)

    # when
    response = client.post(_url(customer), _form(customer, tier="A", phone="+44 20 7946 0002", tags=[vip.pk]))

    # then
    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    customer.refresh_from_db()
    assert customer.tier == "A"
    assert customer.phone_digits == "442079460002"
    assert list(customer.tags.all()) == [vip]
    assert "Customer “Acme Logistics Ltd” was updated." in page_text(client.get(response.url))


def test_change_is_recorded_with_the_user(client, rep, customer):
    client.force_login(rep)

    client.post(_url(customer), _form(customer, tier="A"))

    latest = customer.history.order_by("-history_date", "-history_id").first()
    assert latest.history_type == "~" and latest.history_user == rep and latest.tier == "A"


def test_manager_reassigns_customer_within_team(client, manager, teammate, customer):
    client.force_login(manager)

    response = client.post(_url(customer), _form(customer, owner=teammate.pk))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == teammate


def test_manager_owner_choices_are_the_team(client, manager, customer):
    client.force_login(manager)

    options = select_options(client.get(_url(customer)), "owner")

    assert sorted(options.values()) == ["Mona Manager", "Rita Rep", "Tom Mate"]


def test_rep_sees_only_themselves_as_owner(client, rep, customer):
    client.force_login(rep)

    assert select_options(client.get(_url(customer)), "owner") == {str(rep.pk): "Rita Rep"}


@pytest.mark.parametrize("owner_kind", ["teammate", "outsider"])
def test_rep_cannot_hand_customer_to_another_user(client, rep, teammate, outsider, customer, owner_kind):
    client.force_login(rep)
    new_owner = teammate if owner_kind == "teammate" else outsider

    response = client.post(_url(customer), _form(customer, owner=new_owner.pk, tier="A"))

    assert "Select a valid choice. That choice is not one of the available choices." in page_text(response)
    customer.refresh_from_db()
    assert customer.owner == rep and customer.tier == "B"


def test_manager_cannot_hand_customer_to_another_team(client, manager, outsider, customer):
    client.force_login(manager)

    response = client.post(_url(customer), _form(customer, owner=outsider.pk))

    assert "Select a valid choice. That choice is not one of the available choices." in page_text(response)
    customer.refresh_from_db()
    assert customer.owner.username == "rep.one"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "buyer@", "Enter a valid email address."),
        (
            "phone",
            "ask reception",
            "Enter a phone number using digits, spaces, dashes, brackets and an optional leading +.",
        ),
        ("phone", "123", "A phone number has between 6 and 15 digits."),
        ("name", "", "This field is required."),
        ("tags", "424242", "Select a valid choice. 424242 is not one of the available choices."),
    ],
)
def test_bad_input_shows_message_and_changes_nothing(client, rep, customer, field, value, message):
    # given: a real tag to choose from, next to the tampered id
    TagFactory(name="VIP")
    client.force_login(rep)
    before = Customer.objects.filter(pk=customer.pk).values().get()
    history_before = customer.history.count()

    # when
    response = client.post(_url(customer), _form(customer, **{field: value}, tier="A"))

    # then
    assert response.status_code == 200
    assert message in page_text(response)
    assert Customer.objects.filter(pk=customer.pk).values().get() == before
    assert customer.history.count() == history_before


def test_refused_edit_page_still_shows_the_saved_name(client, rep, customer):
    client.force_login(rep)

    response = client.post(_url(customer), _form(customer, name="Renamed Ltd", email="broken@"))

    html = page_text(response)
    assert "Edit Acme Logistics Ltd" in html
    assert f'<a href="{customer.get_absolute_url()}">Acme Logistics Ltd</a>' in html
