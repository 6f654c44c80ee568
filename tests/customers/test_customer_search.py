"""Customer search finds a customer by its contacts, by fragments of an email, by Chinese words inside a name, with
or without accents, and by phone numbers typed as people say them; always within the user's reach, never a
customer in the recycle bin or by a contact that was deleted or erased. The list, its export and the autocomplete
search alike.

Committed: MariaDB's full-text index sees only committed rows (tests/customers/_support.py)."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from customers import privacy, services
from customers.demo import seed_demo
from customers.models import Contact, Customer
from customers.selectors import customer_search
from records.models import Deletion
from records.services import deletion_restore
from tests.customers._support import committed_db, listed_names
from tests.factories.customers import ContactFactory, CustomerFactory

pytestmark = committed_db

LIST = reverse("customers:customer-list")
AUTOCOMPLETE = reverse("customers:customer-autocomplete")


def _search(client, user, text) -> list[str]:
    client.force_login(user)
    return listed_names(client.get(LIST, {"q": text}))


@pytest.fixture
def birch(rep):
    """Another customer of `rep`, with a contact: what each search must not find by accident."""
    birch = CustomerFactory(owner=rep, name="Birch Bakery", email="orders@birch.test", phone="+33 1 4000 1111")
    ContactFactory(customer=birch, name="Hugo Martin", email="hugo@birch.test", phone="+33 6 1234 5678")
    return birch


# Contacts ----------------------------------------------------------------------------------------------------


def test_contact_name_finds_its_customer_and_not_others(client, rep, customer, birch):
    services.contact_create(customer=customer, by=rep, name="Patricia Nguyen", email="pat@acme.test")

    assert _search(client, rep, "Patricia") == ["Acme Logistics Ltd"]
    assert _search(client, rep, "nguyen patr") == ["Acme Logistics Ltd"]


@pytest.mark.parametrize("typed", ["pat@acme.test", "PAT@acme", "pat.nguyen"])
def test_contact_email_finds_its_customer(client, rep, customer, birch, typed):
    services.contact_create(customer=customer, by=rep, name="Pat", email="pat.nguyen@acme-mail.test")
    services.contact_create(customer=birch, by=rep, name="Pat", email="pat@acme.test")

    found = _search(client, rep, typed)

    assert found == (["Birch Bakery"] if typed != "pat.nguyen" else ["Acme Logistics Ltd"])


def test_contact_of_a_customer_outside_reach_never_shows_that_customer(client, rep, customer, foreign_customer):
    ContactFactory(customer=foreign_customer, name="Walter Zielinski", email="walter@zenith.test")

    assert _search(client, rep, "Zielinski") == []
    assert _search(client, rep, "walter@zenith") == []
    client.force_login(rep)
    assert client.get(AUTOCOMPLETE, {"q": "Zielinski"}).json() == {"results": []}


def test_deleted_contact_finds_nothing_and_is_found_again_once_restored(client, rep, customer):
    contact = services.contact_create(customer=customer, by=rep, name="Ingrid Halvorsen", email="ingrid@acme.test")
    services.contact_delete(contact=contact, by=rep)

    assert _search(client, rep, "Halvorsen") == []
    assert _search(client, rep, "ingrid@acme") == []

    deletion_restore(deletion=Deletion.objects.get(object_id=contact.pk), by=rep)

    assert _search(client, rep, "Halvorsen") == ["Acme Logistics Ltd"]


def test_renamed_contact_is_found_by_its_new_name_only(client, rep, customer, birch):
    contact = services.contact_create(customer=customer, by=rep, name="Olga Petrova")

    services.contact_update(contact=contact, by=rep, name="Olga Smirnova")

    assert _search(client, rep, "Petrova") == []
    assert _search(client, rep, "Smirnova") == ["Acme Logistics Ltd"]


def test_erased_contact_finds_nothing(client, administrator, rep, customer):
    contact = services.contact_create(customer=customer, by=rep, name="Sven Lindqvist", email="sven@acme.test")

    privacy.contact_erase(contact=contact, by=administrator)

    assert _search(client, rep, "Lindqvist") == []
    assert _search(client, rep, "sven") == []


def test_erased_person_is_not_found_by_their_former_name_email_or_phone(client, administrator, rep):
    person = CustomerFactory(
        owner=rep, kind=Customer.Kind.PERSON, name="Mathilde Rousseau", email="mr@home.test", phone="+33 6 1122 3344"
    )

    privacy.customer_erase(customer=person, by=administrator)

    assert _search(client, rep, "Rousseau") == []
    assert _search(client, rep, "mr@home") == []
    assert _search(client, rep, "06 1122 3344") == []


def test_customer_in_the_recycle_bin_is_not_found_by_its_contact_and_is_after_restore(client, rep, customer):
    services.contact_create(customer=customer, by=rep, name="Yuki Tanabe")
    entry = services.customer_delete(customer=customer, by=rep)

    assert _search(client, rep, "Tanabe") == []

    deletion_restore(deletion=entry, by=rep)

    assert _search(client, rep, "Tanabe") == ["Acme Logistics Ltd"]


# Email fragments, Chinese, accents ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["acme", "buyer", "acme.test", "@acme.test", "buyer@ACME"])
def test_email_fragment_finds_the_customer(client, rep, customer, birch, typed):
    assert _search(client, rep, typed) == ["Acme Logistics Ltd"]


def test_email_fragment_does_not_match_inside_a_word(client, rep, customer, birch):
    assert _search(client, rep, "uyer") == []


@pytest.mark.parametrize(
    ("typed", "found"), [("电子", "联合联合电子有限公司"), ("有限公司", None), ("联合电子", "联合联合电子有限公司")]
)
def test_chinese_word_inside_a_name_finds_the_customer(client, rep, birch, typed, found):
    CustomerFactory(owner=rep, name="联合联合电子有限公司", email="", phone="")
    CustomerFactory(owner=rep, name="华中科技有限公司", email="", phone="")

    names = _search(client, rep, typed)

    assert names == ([found] if found else ["华中科技有限公司", "联合联合电子有限公司"])


def test_chinese_contact_name_finds_the_company(client, rep, birch):
    company = CustomerFactory(owner=rep, name="长城物流有限公司", email="", phone="")
    services.contact_create(customer=company, by=rep, name="王建华")

    assert _search(client, rep, "建华") == ["长城物流有限公司"]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("Lefèvre Conseil", "Lefevre"), ("Lefevre Conseil", "Lefèvre"), ("Müller Maschinenbau", "muller")],
)
def test_accents_typed_or_not_find_the_customer(client, rep, birch, stored, typed):
    CustomerFactory(owner=rep, name=stored)

    assert _search(client, rep, typed) == [stored]


# Phone numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["020 7946 0001", "20 7946 0001", "0001", "7946 0001", "+44 20 7946 0001", "44 20 7946", "0044 20 7946 0001"],
)
def test_phone_typed_as_people_say_it_finds_the_customer_and_not_others(client, rep, customer, birch, typed):
    # given: "+44 20 7946 0001" (customer), and numbers sharing its digits elsewhere than at the end
    CustomerFactory(owner=rep, name="Cedar Crest", email="", phone="+44 20 0001 7946")
    CustomerFactory(owner=rep, name="Delta Dairy", email="", phone="+44 21 7946 1001")

    assert _search(client, rep, typed) == ["Acme Logistics Ltd"]


def test_contact_phone_last_digits_find_its_customer(client, rep, customer, birch):
    assert _search(client, rep, "1234 5678") == ["Birch Bakery"]


def test_phone_of_a_customer_outside_reach_finds_nothing(client, rep, customer, foreign_customer):
    assert _search(client, rep, "030 1234 5678") == []
    assert _search(client, rep, "5678") == []


# The same search everywhere ----------------------------------------------------------------------------------


def test_autocomplete_and_export_use_the_same_search(client, rep, customer, birch):
    services.contact_create(customer=customer, by=rep, name="Lucía Fernández")
    client.force_login(rep)

    suggestions = client.get(AUTOCOMPLETE, {"q": "Lucia fernandez"}).json()["results"]
    export = b"".join(client.get(reverse("customers:customer-export"), {"q": "7946 0001"}).streaming_content)

    assert [row["text"] for row in suggestions] == ["Acme Logistics Ltd"]
    assert "Acme Logistics Ltd" in export.decode() and "Birch Bakery" not in export.decode()


def test_search_keeps_the_scope_it_is_given(rep, customer, birch, foreign_customer):
    ContactFactory(customer=foreign_customer, name="Patricia Nguyen")
    ContactFactory(customer=customer, name="Patricia Nguyen")

    found = customer_search(Customer.objects.filter(owner=rep), "Patricia")

    assert list(found.values_list("name", flat=True)) == ["Acme Logistics Ltd"]


# Filling the search text -------------------------------------------------------------------------------------


def test_customer_edited_through_the_service_is_found_by_its_new_name_only(client, rep, customer):
    services.customer_update(customer=customer, by=rep, name="Aurora Textiles")

    assert _search(client, rep, "Aurora") == ["Aurora Textiles"]
    assert _search(client, rep, "Logistics") == []


def test_migration_backfill_fills_every_customer_in_or_out_of_the_recycle_bin(rep, customer, birch):
    # given: a customer in the recycle bin, one with a contact, and no search text yet
    ContactFactory(customer=birch, name="Arjun Sharma")
    services.customer_delete(customer=customer, by=rep)
    Customer.all_objects.update(search_text="")
    migration = importlib.import_module("customers.migrations.0010_customer_search")
    state = MigrationExecutor(connection).loader.project_state(("customers", "0010_customer_search"))

    # when: the migration's backfill runs with the models as they were then
    migration.backfill(state.apps, SimpleNamespace(connection=connection))

    # then
    assert "logistics" in Customer.all_objects.get(pk=customer.pk).search_text.split()
    assert {"bakery", "hugo", "sharma"} <= set(Customer.objects.get(pk=birch.pk).search_text.split())


def test_demo_seed_fills_the_search_text_of_customers_and_their_contacts(rep):
    seed_demo(customers=30)

    contact = Contact.objects.select_related("customer").first()
    assert not Customer.objects.filter(search_text="").exists()
    assert customer_search(Customer.objects.all(), contact.name).filter(pk=contact.customer_id).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 triggers exist on SQLite only")
def test_sqlite_triggers_dropped_by_a_table_rebuild_are_put_back_after_migrate(rep):
    from customers.search_index import sqlite_search_triggers_ensure

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER customer_search_ai")
    CustomerFactory(owner=rep, name="Granite Builders")  # not indexed: no trigger

    assert sqlite_search_triggers_ensure(connection) is True
    assert list(customer_search(Customer.objects.all(), "granite").values_list("name", flat=True)) == [
        "Granite Builders"
    ]
    assert sqlite_search_triggers_ensure(connection) is False


def test_search_box_says_it_finds_contacts_too(client, rep):
    client.force_login(rep)

    response = client.get(LIST)

    assert 'placeholder="Name, email, phone or contact"' in response.content.decode()
