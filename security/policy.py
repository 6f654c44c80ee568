"""Who must use two-factor authentication: the one place that decides it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

from accounts import roles


def is_administrator(user: AbstractBaseUser) -> bool:
    """True for users who administer the CRM: staff (the admin site) and administrators by role (superusers and
    holders of every domain's reach-all permission). They must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    # has_perm reads the permission cache that the page's own permission check fills: no extra query.
    return user.is_staff or roles.is_administrator(user)
