"""The first sign-in from a browser sets the user's time zone from the browser's, when they have none yet."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.services import profile_time_zone_guess

# The hidden field the sign-in forms carry; static/js/crm.js fills it with the browser's zone.
BROWSER_TIME_ZONE_FIELD = "browser_time_zone"


@receiver(user_logged_in, dispatch_uid="accounts.time_zone_guess")
def _guess_time_zone(sender, request, user, **kwargs):
    # Both sign-in steps (password, and the two-factor code) carry the field: login() runs after either.
    if request is not None and request.method == "POST":
        guess = request.POST.get(BROWSER_TIME_ZONE_FIELD, "")[:64]
        if guess:
            profile_time_zone_guess(user=user, time_zone=guess)
