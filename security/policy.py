"""Who must use two-factor authentication: the one place that decides it."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ACCESS_ALL_CUSTOMERS = "customers.access_all_customers"


def is_administrator(user: AbstractBaseUser) -> bool:
    """True for users who administer the CRM: superusers, staff (the admin site) and holders of the
    access-all-customers permission. They must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    # has_perm reads the permission cache that the page's own permission check fills: no extra query.
    return user.is_superuser or user.is_staff or user.has_perm(ACCESS_ALL_CUSTOMERS)
