"""Writes of the security app: session generations, two-factor devices, recovery codes and passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import language_of
from records.audit import audit_record, client_address
from records.models import AuditEntry
from security.models import SessionGeneration
from security.policy import is_administrator
from security.selectors import password_reset_requests_recent, password_reset_users
from security.tasks import password_reset_email_send_task

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

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


# Passwords ----------------------------------------------------------------------------------------------------------


class PasswordResetLimited(Exception):
    """Too many reset requests from one address (`by_address`) or for one email within the cool-off time."""

    def __init__(self, *, by_address: bool):
        super().__init__("address" if by_address else "email")
        self.by_address = by_address


def password_reset_request(*, email: str, domain: str, use_https: bool, request: HttpRequest | None = None) -> None:
    """Send a reset link to each active user with `email`, in their language (or the one the request was made in).
    Whether anybody has that email is not told: the caller answers the same either way.

    Limited like sign-in: at most CRM_PASSWORD_RESET_EMAIL_LIMIT requests for one email and
    CRM_PASSWORD_RESET_ADDRESS_LIMIT from one address within AXES_COOLOFF_TIME, known emails or not (raises
    PasswordResetLimited). Every accepted request is in the audit log, which is also what the limit counts."""
    email = email.strip().lower()
    address = client_address(request)
    from_address, for_email = password_reset_requests_recent(address=address, email=email)
    if address and from_address >= settings.CRM_PASSWORD_RESET_ADDRESS_LIMIT:
        raise PasswordResetLimited(by_address=True)
    if for_email >= settings.CRM_PASSWORD_RESET_EMAIL_LIMIT:
        raise PasswordResetLimited(by_address=False)
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        users = password_reset_users(email=email)
        audit_record(
            action=AuditEntry.Action.RESET_REQUESTED,
            object_type="auth.user",
            label=email,
            detail={"email": email, "accounts": len(users)},
            request=request,
        )
        for user in users:
            transaction.on_commit(
                lambda user_id=user.pk: password_reset_email_send_task.delay(
                    user_id=user_id, domain=domain, use_https=use_https, language=language
                )
            )


def password_reset_email_send(*, user_id: int, domain: str, use_https: bool, language: str) -> bool:
    """Email the reset link to the user, in their own language when they chose one, else in `language`. Returns
    whether it was sent (not to a user deactivated, or left without an email, since the request)."""
    user = get_user_model()._default_manager.select_related("profile").filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with translation.override(language_of(user) or language):
        subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = render_to_string("registration/password_reset_email.html", context)
    EmailMessage(subject, body, to=[user.email]).send()
    return True


def password_reset_complete(*, user: AbstractBaseUser, password: str, request: HttpRequest | None = None) -> None:
    """Give the user the new password from a reset link, end all their sessions, and record it. The link signs
    nobody in: they sign in with the new password, and with their second factor if they have one."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        session_generation_raise(user=user)
        audit_record(action=AuditEntry.Action.PASSWORD_RESET, actor=user, obj=user, request=request)


def password_change(*, user: AbstractBaseUser, password: str, request: HttpRequest | None = None) -> int:
    """Set the signed-in user's new password and end their other sessions; returns the new session generation,
    for the caller to keep its own session going."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        generation = session_generation_raise(user=user)
        audit_record(action=AuditEntry.Action.PASSWORD_CHANGE, actor=user, obj=user, request=request)
    return generation
