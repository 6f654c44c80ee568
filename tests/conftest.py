"""Shared fixtures: one user per role, in two teams, and a customer owned by each."""
from pathlib import Path

import pytest

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
    return CustomerFactory(owner=outsider, name="Zenith Foods GmbH", email="info@zenith.test",
                           phone="+49 30 1234 5678")
