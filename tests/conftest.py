"""Shared fixtures: one user per role, in two teams, and a customer owned by each."""

from pathlib import Path

import pytest
from django.test import Client

from tests.factories.customers import (
    AdministratorFactory,
    CustomerFactory,
    ManagerFactory,
    RepFactory,
    TeamFactory,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The role groups come from a data migration; a reused test database that a transactional test emptied
    would lack them, so make sure they are there (the migration's own function, idempotent)."""
    from accounts.roles import sync_roles

    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture
def rep(db):
    return RepFactory(username="rep.one", first_name="Rita", last_name="Rep")


@pytest.fixture
def teammate(db):
    return RepFactory(username="rep.two", first_name="Tom", last_name="Mate")


@pytest.fixture
def outsider(db):
    """A rep in another team: nothing of `rep`'s may reach them."""
    return RepFactory(username="rep.other", first_name="Otto", last_name="Side")


@pytest.fixture
def manager(db, rep, teammate, outsider):
    manager = ManagerFactory(username="manager.one", first_name="Mona", last_name="Manager")
    TeamFactory(name="North", manager=manager, members=[rep, teammate])
    TeamFactory(name="South", manager=ManagerFactory(username="manager.two"), members=[outsider])
    return manager


@pytest.fixture
def administrator(db):
    return AdministratorFactory(username="admin.one", first_name="Ada", last_name="Admin")


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="Acme Logistics Ltd", email="buyer@acme.test", phone="+44 20 7946 0001")


@pytest.fixture
def foreign_customer(outsider):
    return CustomerFactory(owner=outsider, name="Zenith Foods GmbH", email="info@zenith.test", phone="+49 30 1234 5678")


@pytest.fixture(autouse=True)
def _force_login_is_a_complete_sign_in(monkeypatch):
    """`client.force_login(user)` stands for a finished sign-in: for users who must use two-factor
    authentication (administrators) it also verifies the session with their authenticator, made for them if
    they have none. Tests of the second step sign in through the pages, or call `client.password_only_login`."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from security.policy import is_administrator

    password_only_login = Client.force_login

    def force_login(self, user, backend=None):
        password_only_login(self, user, backend)
        if is_administrator(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="Authenticator app", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "password_only_login", password_only_login, raising=False)
