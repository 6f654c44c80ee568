"""Session expiry, required two-factor authentication, and no caching of signed-in pages."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from security.policy import is_administrator
from security.sessions import session_ended_because, session_touch

_ENDED = {
    "idle": lambda: _("You were signed out after a while without activity. Please sign in again."),
    "expired": lambda: _("Your session has ended. Please sign in again."),
    "revoked": lambda: _("Your session has ended. Please sign in again."),
}


class SessionExpiryMiddleware:
    """Signs out a session that sat idle for CRM_SESSION_IDLE_MINUTES, began more than SESSION_COOKIE_AGE
    seconds ago, or began before its user's sessions were ended (deactivation, turning on two-factor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            reason = session_ended_because(session=request.session, user=user, now=now)
            if reason:
                logout(request)
                messages.info(request, _ENDED[reason]())
            else:
                session_touch(session=request.session, now=now)
        return self.get_response(request)


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("security:two-factor-enrol"),
        reverse("security:recovery-codes"),
        reverse("logout"),
        reverse("set_language"),
        reverse("health"),
    )


class TwoFactorRequiredMiddleware:
    """An administrator whose sign-in no second factor verified reaches only two-factor enrolment (if they have
    no authenticator yet) or is signed out and asked to sign in with their code (if they have one, e.g. after
    signing in through a path that skipped the code). Runs after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and is_administrator(user):
            if request.path not in _exempt_paths():
                from security.selectors import two_factor_enabled

                if two_factor_enabled(user=user):
                    logout(request)
                    return redirect_to_login(request.get_full_path())
                messages.warning(
                    request, _("Administrators must turn on two-factor authentication before anything else.")
                )
                return redirect("security:two-factor-enrol")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user and the exports hold customer data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.get("Content-Disposition", "").startswith(
            "attachment"
        ):
            add_never_cache_headers(response)
        return response
