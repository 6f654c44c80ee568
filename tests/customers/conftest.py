"""Fixtures for the customers tests, on top of the shared ones in tests/conftest.py."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection


@pytest.fixture
def other_manager(manager):
    """The manager of the South team (the `outsider`'s team), created by the `manager` fixture."""
    return get_user_model().objects.get(username="manager.two")


@pytest.fixture(scope="session", autouse=True)
def _migrated_data_left_in_place(django_db_setup, django_db_blocker):
    """Leave the test database as migrated when the session ends.

    Tests marked `committed_db` (see _support.py) commit, so each one ends by emptying every table, and the
    rows the migrations created (content types, permissions, the role groups) are only put back when the next
    such test starts. pytest.ini keeps the test database between runs (--reuse-db); the next run serialises
    the database before tests/conftest.py restores the groups, so without this its committed tests would
    start from a snapshot without them.
    """
    yield
    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(serialized)
