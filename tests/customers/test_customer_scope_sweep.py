"""Every customer URL that names a customer answers 404 outside the user's scope, and 403 without permission; a
customer of another owner planted in a form's field is refused. Built on the shared sweep (tests/sweep.py).

The URL names come from customers.urls, so a new customer page that this sweep does not know fails here
until it is added to KWARGS or WITHOUT_RECORD (and, if it has a form, to POST_DATA).
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.urls import urlpatterns
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    RelationshipFactory,
    UserFactory,
)
from tests.sweep import ScopeSweep

pytestmark = pytest.mark.django_db

# How to fill in each URL's arguments from a dict of one owner's records (see `records_of`).
KWARGS = {
    "customer-detail": lambda t: {"pk": t["customer"].pk},
    "customer-update": lambda t: {"pk": t["customer"].pk},
    "customer-delete": lambda t: {"pk": t["customer"].pk},
    "customer-history": lambda t: {"pk": t["customer"].pk},
    "contact-create": lambda t: {"pk": t["customer"].pk},
    "contact-update": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "contact-delete": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "interaction-create": lambda t: {"pk": t["customer"].pk},
    "interaction-update": lambda t: {"pk": t["customer"].pk, "interaction_pk": t["interaction"].pk},
    "interaction-delete": lambda t: {"pk": t["customer"].pk, "interaction_pk": t["interaction"].pk},
    "relationship-create": lambda t: {"pk": t["customer"].pk},
    "relationship-update": lambda t: {"pk": t["customer"].pk, "relationship_pk": t["relationship"].pk},
    "relationship-delete": lambda t: {"pk": t["customer"].pk, "relationship_pk": t["relationship"].pk},
    "customer-personal-data": lambda t: {"pk": t["customer"].pk},
    "customer-erase": lambda t: {"pk": t["customer"].pk},
    "contact-personal-data": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
    "contact-erase": lambda t: {"pk": t["customer"].pk, "contact_pk": t["contact"].pk},
}
# Administrators only (tests/records/test_privacy.py): every rep and manager is refused before any lookup.
ERASE_PAGES = {"customer-erase", "contact-erase"}
WITHOUT_RECORD = {"customer-list", "customer-export", "customer-create", "customer-autocomplete", "customer-bulk"}


def _an_hour_ago() -> str:
    return (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


# A submission that succeeds when the user may use the page; `own` holds the submitting user's records.
POST_DATA = {
    "customer-create": lambda user, own: {
        "kind": "company",
        "name": "Planted customer",
        "tier": "A",
        "lifecycle_stage": "lead",
        "owner": user.pk,
    },
    "customer-update": lambda user, own: {
        "kind": "company",
        "name": "Taken over",
        "tier": "A",
        "lifecycle_stage": "lead",
        "owner": user.pk,
        "email": "",
        "phone": "",
        "version": 1,
    },
    "contact-create": lambda user, own: {"name": "Planted contact"},
    "contact-update": lambda user, own: {"name": "Renamed contact", "email": "x@attacker.test", "version": 1},
    "interaction-create": lambda user, own: {
        "channel": "call",
        "direction": "outbound",
        "occurred_at": _an_hour_ago(),
        "subject": "Planted call",
    },
    "relationship-create": lambda user, own: {"to_customer": own["other"].pk, "kind": "client", "status": "good"},
    "relationship-update": lambda user, own: {"kind": "friend", "status": "deteriorating", "version": 1},
    "interaction-update": lambda user, own: {
        "channel": "visit",
        "direction": "inbound",
        "occurred_at": _an_hour_ago(),
        "subject": "Rewritten call",
        "version": 1,
    },
}

SWEEP = ScopeSweep(
    namespace="customers",
    urlpatterns=urlpatterns,
    kwargs=KWARGS,
    without_record=WITHOUT_RECORD,
    post_data=POST_DATA,
    models=[Customer, Contact, Interaction, Relationship, Tag],
    # Another owner's customer as a relationship's other side, another team's user as a customer's owner.
    foreign_values={Customer: lambda t: t["customer"].pk, get_user_model(): lambda t: t["customer"].owner_id},
    refusal_status={name: 403 for name in ERASE_PAGES},
)
CUSTOMER_URL_NAMES = SWEEP.record_url_names
ATTACKERS = ["teammate", "outsider", "other_manager"]


def records_of(owner, name: str) -> dict:
    """A customer of `owner` with one of everything hanging off it, and a second customer it relates to."""
    customer = CustomerFactory(owner=owner, name=name)
    other = CustomerFactory(owner=owner, name=f"{name}: a second customer")
    return {
        "customer": customer,
        "other": other,
        "contact": ContactFactory(customer=customer, name=f"{name}: Pat Buyer"),
        "interaction": InteractionFactory(customer=customer, subject=f"{name}: kick-off call"),
        "relationship": RelationshipFactory(from_customer=customer, to_customer=other),
    }


@pytest.fixture
def target(rep, manager):
    """A customer of `rep` (North team) with one of everything hanging off it."""
    return records_of(rep, "Acme Logistics Ltd")


def test_sweep_knows_every_customer_url():
    SWEEP.assert_knows_every_url()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_user_outside_scope_gets_404_and_changes_nothing(client, request, target, name, attacker_kind, method):
    # given: another rep (in the same team or not) or the manager of another team, with customers of their own
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    # when / then: refused like a missing record, nothing of the target shown, nothing changed
    SWEEP.assert_refused(client, user=attacker, name=name, target=target, own=own, method=method)


@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", SWEEP.form_url_names)
def test_other_owners_record_planted_in_a_form_on_own_customer_is_refused(client, request, target, name, attacker_kind):
    # given: a user with a customer of their own, whose forms choose customers and owners
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    # when / then: the target's customer (or its owner) in any such field is refused and nothing changes
    SWEEP.assert_foreign_keys_refused(client, user=attacker, name=name, target=target, own=own)


def test_foreign_key_sweep_covers_the_owner_and_related_customer_fields(client, outsider, target):
    own = records_of(outsider, "Otto's customer")
    checked = {
        name: SWEEP.assert_foreign_keys_refused(client, user=outsider, name=name, target=target, own=own)
        for name in SWEEP.form_url_names
    }

    assert {name: fields for name, fields in checked.items() if fields} == {
        "customer-create": ["owner"],
        "customer-update": ["owner"],
        "relationship-create": ["to_customer"],
    }


@pytest.mark.parametrize("name", SWEEP.form_url_names)
def test_the_same_submissions_go_through_on_own_customer(client, outsider, name):
    # given / when / then: the sweep's refusals come from reach, not from submissions that never work
    SWEEP.assert_accepted(client, user=outsider, name=name, own=records_of(outsider, "Otto's customer"))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_anonymous_user_is_sent_to_login_and_changes_nothing(client, target, name, method):
    url = SWEEP.url(name, target)
    before = SWEEP.snapshot()

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize(
    ("name", "user_kind"),
    [
        (name, kind)
        for name in CUSTOMER_URL_NAMES
        for kind in ("manager", "administrator", "rep")
        # Only administrators erase personal data (reps and managers get 403: the permission sweep below).
        if name not in ERASE_PAGES or kind == "administrator"
    ],
)
def test_owner_their_manager_and_administrator_get_200(client, request, target, name, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(SWEEP.url(name, target))

    assert response.status_code == 200
    assert "Acme Logistics Ltd" in response.content.decode()


@pytest.mark.parametrize("name", [n for n in CUSTOMER_URL_NAMES if SWEEP.accepts(n, "post") and n not in ERASE_PAGES])
def test_manager_of_owners_team_can_submit(client, target, manager, name):
    # given
    own = {
        "customer": CustomerFactory(owner=manager, name="Manager's customer"),
        "other": CustomerFactory(owner=manager, name="Manager's other customer"),
    }
    client.force_login(manager)

    # when
    response = client.post(SWEEP.url(name, target), SWEEP.submission(name, manager, own))

    # then: the submission went through and the user is sent back to a customer page or the list
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", CUSTOMER_URL_NAMES)
def test_user_without_role_gets_403_even_on_own_customer(client, target, name, method):
    # given: a signed-in user in no group, owning the customer
    nobody = UserFactory(username="no.role")
    Customer.objects.filter(pk=target["customer"].pk).update(owner=nobody)
    client.force_login(nobody)
    before = SWEEP.snapshot()
    url = SWEEP.url(name, target)

    # when
    response = client.get(url) if method == "get" else client.post(url, SWEEP.submission(name, nobody, target))

    # then: the permission check comes before anything else, whatever the method
    assert response.status_code == 403
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize("name", sorted(WITHOUT_RECORD))
def test_user_without_role_gets_403_on_pages_without_customer(client, name):
    client.force_login(UserFactory(username="no.role"))

    response = client.get(SWEEP.url(name))

    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()


PERMISSION_OF = {
    "customer-personal-data": "change_customer",
    "customer-erase": "erase_personal_data",
    "contact-personal-data": "change_contact",
    "contact-erase": "erase_personal_data",
    "customer-update": "change_customer",
    "customer-delete": "delete_customer",
    "contact-create": "add_contact",
    "contact-update": "change_contact",
    "contact-delete": "delete_contact",
    "interaction-create": "add_interaction",
    "interaction-update": "change_interaction",
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
    client.force_login(rep)
    before = SWEEP.snapshot()
    url = SWEEP.url(name, target)

    # when
    get, post = client.get(url), client.post(url, SWEEP.submission(name, rep, target))

    # then
    assert get.status_code == post.status_code == 403
    assert SWEEP.snapshot() == before
    assert client.get(target["customer"].get_absolute_url()).status_code == 200


def test_every_permission_checked_page_is_in_the_permission_sweep():
    read_only = {"customer-detail", "customer-history"}
    assert set(CUSTOMER_URL_NAMES) - read_only == set(PERMISSION_OF)
    assert all(Permission.objects.filter(codename=code).exists() for code in PERMISSION_OF.values())
