"""The back office keeps a staff rep to their own customers, as the app does; administrators see everything."""

import pytest
from django.apps import apps
from django.urls import reverse

from customers.models import Contact, Customer, Interaction
from tests.customers._support import committed_db, listed_names, page_text, select_options
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    RelationshipFactory,
    TagFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
AUTOCOMPLETE = reverse("admin:autocomplete")
NOT_FOUND = "doesn’t exist. Perhaps it was deleted?"


@pytest.fixture
def staff_rep(rep):
    rep.is_staff = True
    rep.save()
    return rep


@pytest.fixture
def rival(outsider):
    """Another rep's customer whose name starts like the rep's own customer."""
    return CustomerFactory(owner=outsider, name="Acme Rival GmbH", email="rival@acme-rival.test")


def _change_form(customer, **overrides) -> dict:
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "address": "",
        "city": customer.city,
        "country": "GB",
        "industry": "",
        "source": "",
        "tier": customer.tier,
        "lifecycle_stage": customer.lifecycle_stage,
        "owner": customer.owner_id,
        "notes": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_staff_rep_changelist_shows_only_own_customers(client, staff_rep, customer, rival, foreign_customer):
    client.force_login(staff_rep)

    response = client.get(CHANGELIST)

    html = page_text(response)
    assert response.status_code == 200
    assert "Acme Logistics Ltd" in html
    assert "Acme Rival GmbH" not in html and "Zenith Foods GmbH" not in html


def test_staff_rep_search_does_not_reach_other_owners(client, staff_rep, customer, rival):
    client.force_login(staff_rep)

    html = page_text(client.get(CHANGELIST, {"q": "Acme"}))

    assert "Acme Logistics Ltd" in html and "Acme Rival GmbH" not in html


def test_staff_rep_opening_another_owners_customer_is_sent_away_with_nothing_shown(client, staff_rep, rival):
    client.force_login(staff_rep)

    response = client.get(reverse("admin:customers_customer_change", args=[rival.pk]), follow=True)

    html = page_text(response)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert NOT_FOUND in html
    assert "Acme Rival GmbH" not in html and "rival@acme-rival.test" not in html


def test_staff_rep_posting_another_owners_customer_changes_nothing(client, staff_rep, rival):
    client.force_login(staff_rep)
    before = Customer.objects.filter(pk=rival.pk).values().get()

    response = client.post(
        reverse("admin:customers_customer_change", args=[rival.pk]),
        _change_form(rival, name="Taken over", owner=staff_rep.pk),
    )

    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert Customer.objects.filter(pk=rival.pk).values().get() == before


def test_staff_rep_cannot_delete_another_owners_customer(client, staff_rep, rival):
    client.force_login(staff_rep)

    response = client.post(reverse("admin:customers_customer_delete", args=[rival.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert Customer.objects.filter(pk=rival.pk).exists()


def test_staff_rep_cannot_see_history_of_another_owners_customer(client, staff_rep, rival):
    client.force_login(staff_rep)

    response = client.get(reverse("admin:customers_customer_history", args=[rival.pk]))

    assert response.status_code in (302, 404)
    assert "Acme Rival GmbH" not in page_text(response)


def test_staff_rep_cannot_open_a_past_version_of_another_owners_customer(client, staff_rep, rival):
    client.force_login(staff_rep)
    version = rival.history.get()

    response = client.get(reverse("admin:customers_customer_simple_history", args=[rival.pk, version.history_id]))

    assert response.status_code in (302, 404)
    html = page_text(response)
    assert "Acme Rival GmbH" not in html and "rival@acme-rival.test" not in html


def test_staff_rep_cannot_take_over_another_owners_customer_by_reverting_it(client, staff_rep, rival):
    # given: a past version of another rep's customer
    client.force_login(staff_rep)
    version = rival.history.get()

    # when: the rep posts the "revert" form of that version, naming themselves as owner
    client.post(
        reverse("admin:customers_customer_simple_history", args=[rival.pk, version.history_id]),
        _change_form(rival, name="Taken over", owner=staff_rep.pk),
    )

    # then
    rival.refresh_from_db()
    assert rival.owner.username == "rep.other" and rival.name == "Acme Rival GmbH"


def test_staff_rep_owner_choice_is_limited_to_themselves(client, staff_rep, outsider, customer):
    client.force_login(staff_rep)

    response = client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), _change_form(customer, owner=outsider.pk)
    )

    assert response.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in page_text(response)
    customer.refresh_from_db()
    assert customer.owner == staff_rep


def test_staff_rep_can_change_own_customer(client, staff_rep, customer):
    client.force_login(staff_rep)

    response = client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), _change_form(customer, tier="A")
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.tier == "A"
    assert customer.history.order_by("-history_id").first().history_user == staff_rep


def test_staff_rep_contact_form_offers_only_own_customers(client, staff_rep, customer, rival):
    client.force_login(staff_rep)

    response = client.post(reverse("admin:customers_contact_add"), {"customer": rival.pk, "name": "Planted"})

    assert "Select a valid choice. That choice is not one of the available choices." in page_text(response)
    assert not Contact.objects.exists()


def test_staff_rep_contact_list_shows_only_own_customers_contacts(client, staff_rep, customer, rival):
    ContactFactory(customer=customer, name="Own Contact")
    ContactFactory(customer=rival, name="Rival Contact")
    client.force_login(staff_rep)

    html = page_text(client.get(reverse("admin:customers_contact_changelist")))

    assert "Own Contact" in html and "Rival Contact" not in html


def test_admin_customer_autocomplete_returns_only_own_customers(client, staff_rep, customer, rival):
    client.force_login(staff_rep)

    response = client.get(
        AUTOCOMPLETE, {"app_label": "customers", "model_name": "contact", "field_name": "customer", "term": "Acme"}
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Acme Logistics Ltd"]


def test_administrator_sees_every_customer(client, administrator, customer, rival, foreign_customer):
    client.force_login(administrator)

    html = page_text(client.get(CHANGELIST))

    assert all(name in html for name in ("Acme Logistics Ltd", "Acme Rival GmbH", "Zenith Foods GmbH"))


def test_administrator_autocomplete_returns_every_match(client, administrator, customer, rival):
    client.force_login(administrator)

    response = client.get(
        AUTOCOMPLETE, {"app_label": "customers", "model_name": "contact", "field_name": "customer", "term": "Acme"}
    )

    assert sorted(r["text"] for r in response.json()["results"]) == ["Acme Logistics Ltd", "Acme Rival GmbH"]


@pytest.fixture
def everything(rep, manager, customer, foreign_customer):
    tag = TagFactory(name="VIP")
    customer.tags.add(tag)
    ContactFactory(customer=customer, name="Pat Buyer", is_primary=True)
    InteractionFactory(customer=customer, subject="Kick-off call")
    RelationshipFactory(from_customer=customer, to_customer=CustomerFactory(owner=rep, name="Birch Bakery"))
    return {"tag": tag, "team": TeamFactory(name="West", manager=manager)}


def _app(model: str) -> str:
    return "accounts" if model == "team" else "customers"


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("customer", "Acme Logistics Ltd"),
        ("contact", "Pat Buyer"),
        ("interaction", "Kick-off call"),
        ("relationship", "Birch Bakery"),
        ("tag", "VIP"),
        ("team", "North"),
    ],
)
def test_every_changelist_loads_for_administrator(client, administrator, everything, model, shown):
    client.force_login(administrator)

    response = client.get(reverse(f"admin:{_app(model)}_{model}_changelist"))

    assert response.status_code == 200
    assert shown in page_text(response)


@pytest.mark.parametrize("model", ["customer", "contact", "interaction", "relationship", "tag", "team"])
def test_every_change_and_add_page_loads_for_administrator(client, administrator, everything, model):
    obj = apps.get_model(_app(model), model).objects.order_by("pk").first()
    client.force_login(administrator)

    change = client.get(reverse(f"admin:{_app(model)}_{model}_change", args=[obj.pk]))
    add = client.get(reverse(f"admin:{_app(model)}_{model}_add"))

    assert change.status_code == add.status_code == 200


def test_interaction_changelist_date_drilldown_loads(client, administrator, everything):
    client.force_login(administrator)
    interaction = Interaction.objects.get()

    response = client.get(
        reverse("admin:customers_interaction_changelist"), {"occurred_at__year": interaction.occurred_at.year}
    )

    assert response.status_code == 200
    assert "Kick-off call" in page_text(response)


@committed_db
def test_phone_changed_in_admin_is_found_by_phone_search_and_duplicate_check(client, staff_rep, customer):
    # given: the rep corrects the phone number in the back office
    client.force_login(staff_rep)
    client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), _change_form(customer, phone="+44 161 496 0000")
    )

    # when: they search the list by the new number, and someone enters it for a new customer
    found = client.get(reverse("customers:customer-list"), {"q": "44 161 496"})
    duplicate = client.post(
        reverse("customers:customer-create"),
        {
            "kind": "company",
            "name": "Acme North",
            "phone": "44-161-496-0000",
            "tier": "B",
            "lifecycle_stage": "lead",
            "owner": staff_rep.pk,
        },
    )

    # then
    assert listed_names(found) == ["Acme Logistics Ltd"]
    assert "Possible duplicates" in page_text(duplicate)


def test_customer_added_in_admin_gets_searchable_phone(client, administrator, rep):
    client.force_login(administrator)
    data = _change_form(CustomerFactory.build(owner=rep, name="Harbor Foods", phone="+33 1 4000 2222"))

    response = client.post(reverse("admin:customers_customer_add"), data)

    assert response.status_code == 302
    assert Customer.objects.get(name="Harbor Foods").phone_digits == "33140002222"


def test_staff_rep_owner_field_is_a_select_of_themselves_and_users_are_never_listed(
    client, staff_rep, teammate, outsider, customer
):
    client.force_login(staff_rep)

    page = client.get(reverse("admin:customers_customer_add"))
    autocomplete = client.get(
        AUTOCOMPLETE, {"app_label": "customers", "model_name": "customer", "field_name": "owner", "term": "r"}
    )

    assert list(select_options(page, "owner")) == [str(staff_rep.pk)]
    assert autocomplete.status_code == 403


@pytest.mark.parametrize("model", ["contact", "interaction", "relationship"])
def test_staff_rep_cannot_open_records_of_another_owners_customer(client, staff_rep, outsider, rival, model):
    # given: one record of each kind hanging off another rep's customer
    record = {
        "contact": lambda: ContactFactory(customer=rival, name="Rival Buyer"),
        "interaction": lambda: InteractionFactory(customer=rival, subject="Rival call"),
        "relationship": lambda: RelationshipFactory(
            from_customer=rival, to_customer=CustomerFactory(owner=outsider, name="Rival Partner")
        ),
    }[model]()
    client.force_login(staff_rep)

    # when
    response = client.get(reverse(f"admin:customers_{model}_change", args=[record.pk]), follow=True)

    # then
    html = page_text(response)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert NOT_FOUND in html
    assert "Rival" not in html
