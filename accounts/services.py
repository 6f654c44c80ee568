"""Writes of the accounts app: a user's own profile (name, email, language, time zone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Profile
from crm.timezones import is_known_zone
from records.audit import audit_record
from records.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

# What the audit entry may repeat: settings, never the name or email themselves (only that they changed).
_AUDITED_VALUES = ("language", "time_zone")


def _profile_for_update(user: AbstractBaseUser) -> Profile:
    profile, _created = Profile.objects.select_for_update().get_or_create(user_id=user.pk)
    return profile


def profile_update(
    *,
    user: AbstractBaseUser,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    time_zone: str,
    request: HttpRequest | None = None,
) -> list[str]:
    """Save the user's own name, email, language and time zone; returns the names of the fields that changed (and
    records them in the audit log). Raises ValidationError for an unknown zone or language, a malformed email, or
    an email another user has (a password reset link must reach exactly one account)."""
    email = get_user_model().objects.normalize_email(email.strip())
    with transaction.atomic():
        User = get_user_model()
        account = User.objects.select_for_update().get(pk=user.pk)
        profile = _profile_for_update(account)
        if email and User.objects.filter(email__iexact=email).exclude(pk=account.pk).exists():
            raise ValidationError({"email": _("Another user has this email address; each user needs their own.")})
        before = {
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "language": profile.language,
            "time_zone": profile.time_zone,
        }
        account.first_name, account.last_name, account.email = first_name.strip(), last_name.strip(), email
        profile.language, profile.time_zone = language, time_zone
        account.full_clean(exclude=["password", "username"])
        profile.full_clean(exclude=["user"])
        after = {
            **before,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": email,
            "language": language,
            "time_zone": time_zone,
        }
        changed = [name for name in before if before[name] != after[name]]
        if not changed:
            return []
        account.save(update_fields=["first_name", "last_name", "email"])
        profile.save()
        audit_record(
            action=AuditEntry.Action.PROFILE_CHANGE,
            actor=user,
            obj=account,
            request=request,
            detail={
                "changed": changed,
                **{name: {"from": before[name], "to": after[name]} for name in _AUDITED_VALUES if name in changed},
            },
        )
    # The user object of the request reads its profile from here for the rest of the request.
    user.first_name, user.last_name, user.email = account.first_name, account.last_name, email
    user.profile = profile
    return changed


def profile_language_set(*, user: AbstractBaseUser, language: str) -> None:
    """Remember the language the user picked in the menu, so that it follows them to every device."""
    with transaction.atomic():
        profile = _profile_for_update(user)
        if profile.language == language:
            return
        profile.language = language
        profile.full_clean(exclude=["user"])
        profile.save(update_fields=["language", "updated_at"])
    user.profile = profile


def profile_time_zone_guess(*, user: AbstractBaseUser, time_zone: str) -> bool:
    """Take the time zone the browser reported at sign-in, if the user has none yet and it is a real zone.
    Returns whether it was saved; a zone the user has (chosen or guessed before) is never replaced."""
    if not time_zone or not is_known_zone(time_zone):
        return False
    with transaction.atomic():
        profile = _profile_for_update(user)
        if profile.time_zone:
            return False
        profile.time_zone = time_zone
        profile.save(update_fields=["time_zone", "updated_at"])
    user.profile = profile
    return True
