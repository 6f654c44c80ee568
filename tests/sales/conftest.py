"""Fixtures for the order tests, on top of the shared ones in tests/conftest.py."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def other_manager(manager):
    """The manager of the South team (the `outsider`'s team), created by the `manager` fixture."""
    return get_user_model().objects.get(username="manager.two")
