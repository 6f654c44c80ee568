"""The admin site, open only to sessions a second factor verified; its own password-only login is not used."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class TwoFactorAdminSite(OTPAdminSite):
    """django_otp's OTPAdminSite (has_permission also requires request.user.is_verified()), keeping the usual
    "admin" name and sending sign-in to the site's own two-step sign-in page."""

    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        return redirect_to_login(
            request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), login_url=reverse("login")
        )
