"""Every customer URL that names a customer answers 404 outside the user's scope, and 403 without permission.

The URL names come from customers.urls, so a new customer page that this sweep does not know fails here
until it is added to KWARGS (and, if it takes POST, to _post_data).
"""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, reverse
from django.utils import timezone

from customers.models import Contact, Customer, Interaction, Relationship
from customers.urls import urlpatterns
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _customer_url_names() -> list[str]:
    return sorted(p.name for p in urlpatterns if isinstance(p, URLPattern) and "pk" in p.pattern.converters)


def _accepts_post(name: str) -> bool:
    pattern = next(p for p in urlpatterns if p.name == name)
    return hasattr(pattern.callback.view_class, "post")


CUSTOMER_URL_NAMES = _customer_url_names()
ERASE_PAGES = {"customer-erase", "contact-erase"}  # administrators only: tests/records/test_privacy.py

# How to fill in each URL's arguments from the `target` fixture.
KWARGS = {
    "customer-detail": lambda t: {"pk": t["customer"].pk},
    "customer-update": lambda t: {"pk": t["customer"].pk},
    "customer-delete": lambda t: {"pk": t["customer"].pk},
    "customer-history": lambda t: {"pk": t["customer"].pk},
    "customer-personal-data": lambda t: {"pk": t["customer"].pk},
    "customer-erase": lambda t: {"pk": t["customer"].pk},
    "contact-personal-data": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "contact-erase": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "contact-create": lambda t: {"pk": t["customer"].pk},
    "contact-update": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "contact-delete": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "interaction-create": lambda t: {"pk": t["customer"].pk},
    "interaction-delete": lambda t: {"pk": t["customer"].pk, "interaction_pk": t["interaction"].pk},
    "relationship-create": lambda t: {"pk": t["customer"].pk},
    "relationship-update": lambda t: {"pk": t["customer"].pk, "relationship_pk": t["relationship"].pk},
    "relationship-delete": lambda t: {"pk": t["customer"].pk, "relationship_pk": t["relationship"].pk},
}


def _post_data(name: str, attacker, own_customer) -> dict:
    """A submission that would succeed if the page let the attacker in."""
    when = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {
        "customer-update": {"kind": "company", "name": "Taken over", "tier": "A", "lifecycle_stage": "lead",
                            "owner": attacker.pk, "email": "", "phone": "", "version": 1},
        "contact-create": {"name": "Planted contact"},
        "contact-update": {"name": "Renamed contact", "email": "x@attacker.test", "version": 1},
        "interaction-create": {"channel": "call", "direction": "outbound", "occurred_at": when,
                               "subject": "Planted call"},
        "relationship-create": {"to_customer": own_customer.pk, "kind": "client", "status": "good"},
        "relationship-update": {"kind": "friend", "status": "deteriorating", "version": 1},
    }.get(name, {})


@pytest.fixture
def target(rep, manager):
    """A customer of `rep` (North team) with one of everything hanging off it."""
    customer = CustomerFactory(owner=rep, name="Acme Logistics Ltd")
    other = CustomerFactory(owner=rep, name="Birch Bakery")
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer, name="Pat Buyer"),
        "interaction": InteractionFactory(customer=customer, subject="Kick-off call"),
        "relationship": RelationshipFactory(from_customer=customer, to_customer=other),
    }


def _snapshot():
    """Everything the sweep could change, in a comparable form."""
    return (
        list(Customer.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(Interaction.objects.order_by("pk").values()),
        list(Relationship.objects.order_by("pk").values()),
        Customer.history.count(),
    )


def _attacker(kind, *, teammate, outsider, other_manager):
    return {"teammate": teammate, "outsider": outsider, "other_manager": other_manager}[kind]


def test_sweep_knows_every_customer_url():
    assert CUSTOMER_URL_NAMES == sorted(KWARGS), "add the new customer URL to KWARGS (and _post_data) in this sweep"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("attacker_kind", ["teammate", "outsider", "other_manager"])
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_user_outside_scope_gets_404_and_changes_nothing(
    client, target, teammate, outsider, other_manager, name, attacker_kind, method
):
    # given: another rep (in the same team or not) or the manager of another team
    attacker = _attacker(attacker_kind, teammate=teammate, outsider=outsider, other_manager=other_manager)
    own_customer = CustomerFactory(owner=attacker, name="Attacker's own customer")
    url = reverse(f"customers:{name}", kwargs=KWARGS[name](target))
    before = _snapshot()
    client.force_login(attacker)

    # when
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(name, attacker, own_customer))

    # then: read-only pages do not take POST at all (405 before any lookup, so it reveals nothing)
    expected = 405 if method == "post" and not _accepts_post(name) else 404
    if name in ERASE_PAGES:
        expected = 403  # no rep or manager may erase: refused before the record is even looked up
    assert response.status_code == expected
    assert "Acme Logistics Ltd" not in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_anonymous_user_is_sent_to_login_and_changes_nothing(client, target, name, method):
    url = reverse(f"customers:{name}", kwargs=KWARGS[name](target))
    before = _snapshot()

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert _snapshot() == before


@pytest.mark.parametrize("user_kind", ["manager", "administrator", "rep"])
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_owner_their_manager_and_administrator_get_200(client, target, rep, manager, administrator, name,
                                                       user_kind):
    if name in ERASE_PAGES and user_kind != "administrator":
        pytest.skip("only administrators erase personal data")
    user = {"rep": rep, "manager": manager, "administrator": administrator}[user_kind]
    client.force_login(user)

    response = client.get(reverse(f"customers:{name}", kwargs=KWARGS[name](target)))

    assert response.status_code == 200
    assert "Acme Logistics Ltd" in response.content.decode()


@pytest.mark.parametrize("name", [n for n in CUSTOMER_URL_NAMES if _accepts_post(n) and n not in ERASE_PAGES])
def test_manager_of_owners_team_can_submit(client, target, manager, name):
    # given
    own_customer = CustomerFactory(owner=manager, name="Manager's customer")
    client.force_login(manager)

    # when
    response = client.post(reverse(f"customers:{name}", kwargs=KWARGS[name](target)),
                           _post_data(name, manager, own_customer))

    # then: the submission went through and the user is sent back to a customer page or the list
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_user_without_role_gets_403_even_on_own_customer(client, target, name, method):
    # given: a signed-in user in no group, owning the customer
    nobody = UserFactory(username="no.role")
    Customer.objects.filter(pk=target["customer"].pk).update(owner=nobody)
    before = _snapshot()
    client.force_login(nobody)
    url = reverse(f"customers:{name}", kwargs=KWARGS[name](target))

    # when
    response = client.get(url) if method == "get" else client.post(url, _post_data(name, nobody, target["customer"]))

    # then: the permission check comes before anything else, whatever the method
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("name", ["customer-list", "customer-export", "customer-create", "customer-autocomplete"])
def test_user_without_role_gets_403_on_pages_without_customer(client, name):
    client.force_login(UserFactory(username="no.role"))

    response = client.get(reverse(f"customers:{name}"))

    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()


PERMISSION_OF = {
    "customer-update": "change_customer",
    "customer-personal-data": "change_customer",
    "customer-erase": "erase_personal_data",
    "contact-personal-data": "change_contact",
    "contact-erase": "erase_personal_data",
    "customer-delete": "delete_customer",
    "contact-create": "add_contact",
    "contact-update": "change_contact",
    "contact-delete": "delete_contact",
    "interaction-create": "add_interaction",
    "interaction-delete": "delete_interaction",
    "relationship-create": "add_relationship",
    "relationship-update": "change_relationship",
    "relationship-delete": "delete_relationship",
}


@pytest.mark.parametrize("name", sorted(PERMISSION_OF))
def test_rep_missing_one_permission_gets_403_on_that_page_only(client, rep, target, name):
    # given: the owner, whose group lacks the one permission this page needs (a user-level copy of the
    # group's other permissions stands in for a narrower group)
    group = rep.groups.get()
    kept = group.permissions.exclude(codename=PERMISSION_OF[name])
    rep.user_permissions.set(kept)
    rep.groups.clear()
    before = _snapshot()
    client.force_login(rep)
    url = reverse(f"customers:{name}", kwargs=KWARGS[name](target))

    # when
    get, post = client.get(url), client.post(url, _post_data(name, rep, target["customer"]))

    # then
    assert get.status_code == post.status_code == 403
    assert _snapshot() == before
    assert client.get(target["customer"].get_absolute_url()).status_code == 200


def test_every_permission_checked_page_is_in_the_permission_sweep():
    read_only = {"customer-detail", "customer-history"}
    assert set(CUSTOMER_URL_NAMES) - read_only == set(PERMISSION_OF)
    assert all(Permission.objects.filter(codename=code).exists() for code in PERMISSION_OF.values())
