"""Telling a user something: in the app (the bell in the navigation and the notifications page) and, when asked
for, by email. Every app notifies through `notify`; reads and marking as read are here too, so that the unread
counter on the profile always agrees with the rows."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Notification, Profile
from accounts.selectors import language_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length
URL_MAX = Notification._meta.get_field("url").max_length


def safe_link(url: str) -> str:
    """The link if it is a path inside this site, else "" (a notification never sends anyone elsewhere)."""
    if url and len(url) <= URL_MAX and url.startswith("/") and url_has_allowed_host_and_scheme(url, None):
        return url
    return ""


def notify(
    recipient: AbstractBaseUser,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification:
    """Store a notification for `recipient` and raise their unread count; with `email`, also mail it to their
    address once the surrounding transaction commits (nothing is mailed for a change that rolled back).

    Callers pass text already translated in the recipient's language (see `in_language_of`)."""
    with transaction.atomic():
        note = Notification.objects.create(
            recipient=recipient, kind=kind, title=title[:TITLE_MAX], body=body, url=safe_link(url)
        )
        Profile.objects.get_or_create(user_id=recipient.pk)
        Profile.objects.filter(user_id=recipient.pk).update(unread_notifications=F("unread_notifications") + 1)
        if email and recipient.email and recipient.is_active:
            transaction.on_commit(lambda: _send_email(note.pk))
    return note


def _send_email(note_id: int) -> None:
    note = Notification.objects.select_related("recipient").get(pk=note_id)
    link = f"{settings.CRM_SITE_URL.rstrip('/')}{note.url}" if note.url else ""
    message = "\n\n".join(part for part in (note.body, link) if part)
    try:
        send_mail(note.title, message, None, [note.recipient.email])
    except OSError:
        # The notification stays in the app; a mail server that is down must not undo what caused it.
        logger.exception("Could not email notification %s to user %s", note.pk, note.recipient_id)
        return
    Notification.objects.filter(pk=note.pk).update(emailed=True)


class in_language_of(translation.override):
    """Translate a notification's text in its recipient's language (the one on their profile, else the site's)."""

    def __init__(self, user: AbstractBaseUser):
        super().__init__(language_of(user) or settings.LANGUAGE_CODE)


def inbox(user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def _recount(user_id: int) -> None:
    unread = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
    Profile.objects.filter(user_id=user_id).update(unread_notifications=unread)


@transaction.atomic
def mark_read(user: AbstractBaseUser, note: Notification) -> None:
    """Mark one of the user's own notifications read (the caller found it in `inbox(user)`)."""
    if note.recipient_id != user.pk:
        raise PermissionError("A notification is read only by its recipient.")
    if Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now()):
        _recount(user.pk)


@transaction.atomic
def mark_all_read(user: AbstractBaseUser) -> int:
    done = inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    _recount(user.pk)
    return done
