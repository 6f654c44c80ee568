"""The demo data command: users in their roles, customers with contacts and interactions, safe to rerun."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F

from accounts.demo import DEMO_PASSWORD
from accounts.models import Team
from accounts.roles import SALES_MANAGER, SALES_REP
from customers.models import Contact, Customer, Interaction
from tests.factories.customers import CustomerFactory, RepFactory

pytestmark = pytest.mark.django_db


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_seed_creates_customers_owned_by_demo_reps_and_managers():
    # when
    _seed(customers=50)

    # then
    assert Customer.objects.count() == 50
    sellers = set(
        get_user_model().objects.filter(groups__name__in=[SALES_REP, SALES_MANAGER]).values_list("username", flat=True)
    )
    owners = set(Customer.objects.values_list("owner__username", flat=True))
    assert owners <= sellers and len(owners) > 3
    assert "admin" not in owners
    assert Contact.objects.exists() and Interaction.objects.exists()
    assert not Interaction.objects.exclude(customer__owner=F("user")).exists()  # logged by the owner


def test_seeded_customers_are_valid_and_phone_digits_match():
    _seed(customers=50)

    for customer in Customer.objects.all():
        customer.full_clean()
        assert customer.phone_digits == "".join(ch for ch in customer.phone if ch.isdigit())


def test_seed_creates_two_teams_with_their_reps():
    _seed(customers=5)

    teams = {
        t.name: (t.manager.username, sorted(t.members.values_list("username", flat=True))) for t in Team.objects.all()
    }
    assert teams == {
        "North team": ("manager.north", ["rep.chen", "rep.oliver", "rep.wang"]),
        "South team": ("manager.south", ["rep.emma", "rep.lucas", "rep.zhao"]),
    }


def test_demo_users_can_sign_in_with_the_printed_password(client):
    _seed(customers=5)

    response = client.post("/accounts/login/", {"username": "rep.wang", "password": DEMO_PASSWORD})

    assert response.status_code == 302


def test_second_run_without_add_keeps_the_customers():
    _seed(customers=50)

    out = _seed(customers=50)

    assert Customer.objects.count() == 50
    assert "Customers exist already; keeping them (use --add to add more)." in out


def test_add_adds_more_customers():
    _seed(customers=50)

    out = _seed(customers=20, add=True)

    assert Customer.objects.count() == 70
    assert "Created 20 customers" in out


def test_output_lists_the_demo_sign_ins():
    out = _seed(customers=10)

    assert f"Demo sign-ins (password for all but admin: {DEMO_PASSWORD}):" in out
    for username in ("admin", "manager.north", "manager.south", "rep.wang", "rep.emma", "rep.zhao"):
        assert username in out
    assert "manager.north   Sales manager (North team)" in out


def test_negative_count_is_refused():
    with pytest.raises(CommandError, match="--customers must be zero or more."):
        _seed(customers=-1)


# Safety -----------------------------------------------------------------------------------------------------------


def test_a_database_with_users_the_demo_did_not_create_is_refused():
    # given: a real user and their customer
    CustomerFactory(owner=RepFactory(username="real.rep"))

    # when / then
    with pytest.raises(
        CommandError,
        match=r"holds data the demo did not create \(1 user not in the demo, "
        r"1 customer owned by them\).*--force",
    ):
        _seed(customers=5)
    assert not get_user_model().objects.filter(username="admin").exists()
    assert Customer.objects.count() == 1


def test_force_seeds_a_database_with_other_data():
    RepFactory(username="real.rep")

    _seed(customers=5, force=True)

    assert Customer.objects.count() == 5 and get_user_model().objects.filter(username="admin").exists()


def test_running_again_on_the_demos_own_data_is_not_refused():
    _seed(customers=5)

    out = _seed(customers=5)

    assert "Customers exist already" in out


def test_with_debugging_off_the_demo_administrator_gets_a_random_password_shown_once(settings):
    # given
    settings.DEBUG = False

    # when
    first = _seed(customers=5)
    second = _seed(customers=5)

    # then: not the published password; the printed one works; it is not printed again
    admin = get_user_model().objects.get(username="admin")
    assert not admin.check_password(DEMO_PASSWORD)
    printed = re.search(r"Password of admin, shown only now \(debugging is off\): (\S+)", first).group(1)
    assert admin.check_password(printed) and printed not in second
    assert "admin keeps the password printed when it was created." in second
    assert get_user_model().objects.get(username="rep.wang").check_password(DEMO_PASSWORD)


def test_with_debugging_on_the_demo_administrator_gets_the_published_password(settings):
    settings.DEBUG = True

    out = _seed(customers=5)

    assert get_user_model().objects.get(username="admin").check_password(DEMO_PASSWORD)
    assert f"Demo sign-ins (password for all: {DEMO_PASSWORD}):" in out and "shown only now" not in out


def test_with_debugging_off_a_demo_administrator_with_the_published_password_gets_a_new_one(settings):
    # given: a demo seeded while debugging
    settings.DEBUG = True
    _seed(customers=5)

    # when: seeded again with debugging off
    settings.DEBUG = False
    out = _seed(customers=5)

    # then
    printed = re.search(r"Password of admin, shown only now \(debugging is off\): (\S+)", out).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password(printed) and not admin.check_password(DEMO_PASSWORD)
