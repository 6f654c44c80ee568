"""Every request runs in its user's time zone and, when they chose one, their language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.selectors import profile_of
from crm.timezones import zone_named


class UserPreferencesMiddleware:
    """Activates the signed-in user's time zone (the site's TIME_ZONE for everyone else), so pages, form values
    and exports show and read their wall-clock time, and their language when they chose one (otherwise
    LocaleMiddleware's choice from the language cookie or the browser stands).

    Runs after AuthenticationMiddleware and the session checks; the profile comes with the user in one query
    (crm.backends)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        profile = profile_of(user) if user is not None and user.is_authenticated else None
        # Always activated, never left to the thread: a request of a signed-out visitor must not inherit the zone
        # of the previous request served by the same thread.
        timezone.activate(zone_named(profile.time_zone if profile else None))
        if profile is not None and profile.language:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
