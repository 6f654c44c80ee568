"""Reads of the accounts app: a user's profile and the settings it holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from accounts.models import Profile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def profile_of(user: AbstractBaseUser) -> Profile:
    """The user's profile; an unsaved one with the site's defaults when they never saved one. No query when the
    user was loaded with select_related("profile"), as every request's user is (crm.backends)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def time_zone_name_of(user: AbstractBaseUser) -> str:
    """The IANA name of the user's time zone: their own, or the site's TIME_ZONE."""
    return profile_of(user).time_zone or settings.TIME_ZONE


def language_of(user: AbstractBaseUser) -> str:
    """The language the user chose ("en", "zh-hans"), or "" when they never chose one."""
    return profile_of(user).language
