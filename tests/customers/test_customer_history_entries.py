"""One save of a customer is one entry in its history, its tags included, from the pages and the admin alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Customer
from customers.selectors import customer_history
from customers.services import customer_create, customer_update
from tests.factories.customers import TagFactory

pytestmark = pytest.mark.django_db


def _tags_of(record) -> list[str]:
    return sorted(record.tags.values_list("tag__name", flat=True))


def test_creating_a_customer_with_tags_writes_one_entry_holding_the_tags(rep):
    # when
    customer = customer_create(by=rep, owner=rep, name="Nova Robotics", tags=[TagFactory(name="VIP")])

    # then
    record = customer.history.get()
    assert record.history_type == "+" and record.history_user == rep
    assert _tags_of(record) == ["VIP"]


def test_changing_fields_and_tags_writes_one_entry_naming_both(rep, customer):
    before = customer.history.count()

    # when
    customer_update(customer=customer, by=rep, tier="A", tags=[TagFactory(name="VIP"), TagFactory(name="Reseller")])

    # then
    assert customer.history.count() == before + 1
    latest = customer_history(customer=customer, limit=1)[0]
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes == {"tier": ("B – regular", "A – key account"), "tags": ("—", "Reseller, VIP")}


def test_changing_only_the_tags_writes_one_entry(rep, customer):
    customer_update(customer=customer, by=rep, tags=[TagFactory(name="VIP")])
    before = customer.history.count()

    customer_update(customer=customer, by=rep, tags=[TagFactory(name="Reseller")])

    assert customer.history.count() == before + 1
    latest = customer_history(customer=customer, limit=1)[0]
    assert [(c.label, c.old, c.new) for c in latest.changes] == [("tags", "VIP", "Reseller")]


def test_refused_change_writes_no_entry(rep, customer):
    before = customer.history.count()

    with pytest.raises(ValidationError):  # the name is required
        customer_update(customer=customer, by=rep, name="", tags=[TagFactory(name="VIP")])

    assert customer.history.count() == before


def test_creating_a_customer_on_the_page_with_tags_writes_one_entry(client, rep):
    vip = TagFactory(name="VIP")
    client.force_login(rep)

    response = client.post(
        reverse("customers:customer-create"),
        {
            "kind": "company",
            "name": "Nova Robotics",
            "tier": "C",
            "lifecycle_stage": "lead",
            "owner": rep.pk,
            "tags": [vip.pk],
        },
    )

    assert response.status_code == 302
    record = Customer.objects.get(name="Nova Robotics").history.get()
    assert _tags_of(record) == ["VIP"]


# The admin ------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_rep(rep):
    rep.is_staff = True
    rep.save()
    return rep


def _admin_form(**fields) -> dict:
    data = {
        "kind": "company",
        "name": "Nova Robotics",
        "email": "",
        "phone": "",
        "address": "",
        "city": "",
        "country": "",
        "industry": "",
        "source": "",
        "tier": "C",
        "lifecycle_stage": "lead",
        "notes": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(fields)
    return data


def test_admin_add_with_tags_writes_one_entry(client, staff_rep):
    vip = TagFactory(name="VIP")
    client.force_login(staff_rep)

    response = client.post(reverse("admin:customers_customer_add"), _admin_form(owner=staff_rep.pk, tags=[vip.pk]))

    assert response.status_code == 302
    record = Customer.objects.get(name="Nova Robotics").history.get()
    assert record.history_type == "+" and _tags_of(record) == ["VIP"]


def test_admin_change_of_fields_and_tags_writes_one_entry(client, staff_rep, customer):
    before = customer.history.count()
    client.force_login(staff_rep)

    response = client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        _admin_form(
            name=customer.name,
            email=customer.email,
            phone=customer.phone,
            city=customer.city,
            country="GB",
            lifecycle_stage=customer.lifecycle_stage,
            owner=staff_rep.pk,
            tier="A",
            tags=[TagFactory(name="VIP").pk],
            seen_version=1,
        ),
    )

    assert response.status_code == 302
    assert customer.history.count() == before + 1
    latest = customer_history(customer=customer, limit=1)[0]
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("tier", "B – regular", "A – key account"),
        ("tags", "—", "VIP"),
    ]
