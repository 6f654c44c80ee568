"""Writes of the security app: session generations, two-factor devices and recovery codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import SessionGeneration
from security.policy import is_administrator

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def session_generation_raise(*, user: AbstractBaseUser) -> int:
    """End every existing session of `user` (they fail the generation check on their next request). Atomic."""
    with transaction.atomic():
        generation, created = SessionGeneration.objects.select_for_update().get_or_create(
            user_id=user.pk, defaults={"value": 1}
        )
        if not created:
            SessionGeneration.objects.filter(pk=generation.pk).update(value=F("value") + 1)
            generation.refresh_from_db()
    # The user object may carry a cached generation from select_related: keep it in step.
    user.session_generation = generation
    return generation.value


def totp_device_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's authenticator device awaiting confirmation, created with a new secret if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str]:
    """Confirm `device` with a code from the app, replacing any earlier authenticator, and issue new recovery
    codes (returned, shown once). Raises ValidationError if the code is wrong (a wrong code counts towards the
    device's throttling, so it is committed before raising)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        accepted = not device.confirmed and device.verify_token(token)
    if not accepted:
        raise ValidationError(
            _(
                "That code is not right. Check that the time on your phone is correct and "
                "enter the code the app shows now."
            ),
            code="invalid_token",
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        return recovery_codes_create(user=device.user)


@transaction.atomic
def recovery_codes_create(*, user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes with CRM_RECOVERY_CODE_COUNT new single-use ones; returns them."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.CRM_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_disable(*, user: AbstractBaseUser) -> None:
    """Remove the user's authenticator and recovery codes. Raises ValidationError for administrators, who
    must keep a second factor."""
    if is_administrator(user):
        raise ValidationError(_("Administrators must keep two-factor authentication."), code="required")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
