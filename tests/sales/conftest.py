"""Fixtures for the order tests, on top of the shared ones in tests/conftest.py."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def other_manager(manager):
    """The manager of the South team (the `outsider`'s team), created by the `manager` fixture."""
    return get_user_model().objects.get(username="manager.two")


@pytest.fixture(scope="session", autouse=True)
def _migrated_data_left_in_place(django_db_setup, django_db_blocker):
    """Leave the test database as migrated when the session ends (the committed race tests empty every table;
    see tests/customers/conftest.py)."""
    from django.db import connection

    yield
    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(serialized)
