"""Reads of the security app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from records.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def two_factor_enabled(*, user: AbstractBaseUser) -> bool:
    """True when the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def password_reset_users(*, email: str) -> list[AbstractBaseUser]:
    """The users a reset link for `email` goes to: active ones with this email (any case) who can sign in with a
    password. Inactive users get nothing."""
    users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
    return [user for user in users if user.has_usable_password()]


def password_reset_requests_recent(*, address: str | None, email: str) -> tuple[int, int]:
    """Password reset requests within the sign-in cool-off time (AXES_COOLOFF_TIME): (from `address`, for
    `email`), whether or not the email belongs to anybody."""
    recent = AuditEntry.objects.filter(
        action=AuditEntry.Action.RESET_REQUESTED, at__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    from_address = recent.filter(address=address).count() if address else 0
    return from_address, recent.filter(object_label=email).count()
