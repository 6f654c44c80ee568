"""What a session remembers about its sign-in, and the checks that end it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings

from security.models import SessionGeneration

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.contrib.sessions.backends.base import SessionBase

SIGNED_IN_AT = "security.signed_in_at"
LAST_SEEN = "security.last_seen"
GENERATION = "security.generation"
# The idle clock is written at most this often, so that a page view does not rewrite the session every time.
LAST_SEEN_RESOLUTION = 60


def generation_of(user: AbstractBaseUser) -> int:
    """The user's current session generation (0 until first raised); no query when the user was loaded with
    select_related("session_generation")."""
    try:
        return user.session_generation.value
    except SessionGeneration.DoesNotExist:
        return 0


def session_start(*, session: SessionBase, user: AbstractBaseUser, now: float | None = None) -> None:
    """Stamp a freshly signed-in session with its start and the user's generation."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = session[LAST_SEEN] = int(now)
    session[GENERATION] = generation_of(user)


def session_ended_because(*, session: SessionBase, user: AbstractBaseUser, now: float) -> str | None:
    """Why this signed-in session must end now ("idle", "expired", "revoked"), or None to keep it."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if signed_in_at is None or last_seen is None:
        return "revoked"  # signed in before these checks existed, or by a path that skipped session_start
    if session.get(GENERATION, 0) != generation_of(user):
        return "revoked"
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "expired"
    if now - last_seen > settings.CRM_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def session_touch(*, session: SessionBase, now: float) -> None:
    """Move the idle clock forward, writing the session at most once a minute."""
    if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
        session[LAST_SEEN] = int(now)
