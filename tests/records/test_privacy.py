"""Erasing a person removes their data from the record, its history, the recycle bin and earlier audit labels,
and leaves one audit entry without the data; exporting everything about them gives one JSON file."""

import json

import pytest
from django.urls import reverse

from customers import services
from customers.models import Contact, Customer, Interaction
from records.models import AuditEntry, Deletion
from tests.customers._support import page_text
from tests.factories.customers import AdministratorFactory, ContactFactory, CustomerFactory, InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(rep):
    person = CustomerFactory(
        owner=rep,
        kind="person",
        name="Lena Fischer",
        email="lena@fischer.test",
        phone="+49 30 1111 2222",
        notes="Prefers calls after 5 pm",
    )
    services.customer_update(customer=person, by=rep, city="Berlin")  # a history entry with her data
    InteractionFactory(customer=person, subject="Call with Lena", summary="Talked about her move")
    ContactFactory(customer=person, name="Max Fischer", email="max@fischer.test")
    return person


def _everything_about_lena() -> str:
    """Every row and history row we hold, as text."""
    dump = []
    for model in (Customer, Contact, Interaction):
        dump += [str(row) for row in model.all_objects.values()]
        dump += [str(row) for row in model.history.model.objects.values()]
    dump += [str(row) for row in Deletion.objects.values()]
    dump += [str(row) for row in AuditEntry.objects.values()]
    return " ".join(dump)


def test_export_gives_one_json_file_with_the_record_its_contacts_interactions_and_history(client, rep, person):
    client.force_login(rep)

    response = client.get(reverse("customers:customer-personal-data", args=[person.pk]))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["customer"]["email"] == "lena@fischer.test"
    assert [c["name"] for c in data["contacts"]] == ["Max Fischer"]
    assert [i["summary"] for i in data["interactions"]] == ["Talked about her move"]
    assert len(data["history"]["customer"]) == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PERSON_EXPORT, actor=rep).exists()


def test_erase_removes_the_persons_data_everywhere_and_audits_without_it(client, rep, person):
    # given: one of her contacts is in the recycle bin, and her name is in earlier audit entries
    services.contact_delete(contact=Contact.objects.get(), by=rep)
    client.force_login(AdministratorFactory(username="dpo"))
    # when
    response = client.post(reverse("customers:customer-erase", args=[person.pk]), follow=True)
    # then
    assert "The person's personal data was erased." in page_text(response)
    held = _everything_about_lena()
    for data in (
        "Lena",
        "lena@fischer.test",
        "1111 2222",
        "after 5 pm",
        "Max Fischer",
        "max@fischer.test",
        "her move",
        "Berlin",
    ):
        assert data not in held, [part for part in held.split("} {") if data in part]
    erased = AuditEntry.objects.get(action=AuditEntry.Action.ERASE)
    assert erased.actor_label == "dpo" and erased.object_id == str(person.pk)
    assert "Lena" not in str(erased.detail) and erased.object_label == f"Erased person {person.pk}"
    assert Customer.objects.filter(pk=person.pk).exists()  # the record stays, anonymised


def test_contact_erase_keeps_the_company_and_the_other_contacts(client, customer):
    _keep, erase = ContactFactory(customer=customer, name="Keep Me"), ContactFactory(customer=customer, name="Erase Me")
    client.force_login(AdministratorFactory())

    client.post(reverse("customers:contact-erase", args=[customer.pk, erase.pk]))

    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Keep Me", "—"]
    assert "Erase Me" not in _everything_about_lena()
    assert Customer.objects.get(pk=customer.pk).name == "Acme Logistics Ltd"


def test_a_company_cannot_be_erased_as_a_person(client, customer):
    client.force_login(AdministratorFactory())

    response = client.post(reverse("customers:customer-erase", args=[customer.pk]), follow=True)

    assert "Only a person's data can be erased" in page_text(response)
    assert Customer.objects.get(pk=customer.pk).email == "buyer@acme.test"


@pytest.mark.parametrize("user_kind", ["rep", "manager"])
def test_reps_and_managers_cannot_erase(client, rep, manager, person, user_kind):
    client.force_login({"rep": rep, "manager": manager}[user_kind])

    response = client.post(reverse("customers:customer-erase", args=[person.pk]))

    assert response.status_code == 403
    assert Customer.objects.get(pk=person.pk).email == "lena@fischer.test"


def test_person_page_offers_export_and_to_administrators_erase(client, rep, person):
    client.force_login(rep)
    rep_page = page_text(client.get(person.get_absolute_url()))
    client.force_login(AdministratorFactory())
    admin_page = page_text(client.get(person.get_absolute_url()))

    assert "Export personal data (JSON)" in rep_page and "Erase personal data" not in rep_page
    assert "Erase personal data" in admin_page
