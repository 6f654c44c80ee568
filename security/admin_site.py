"""The admin site, open only to sessions a second factor verified; its own password-only login is not used."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class TwoFactorAdminSite(OTPAdminSite):
    """django_otp's OTPAdminSite (has_permission also requires request.user.is_verified()), keeping the usual
    "admin" name and sending sign-in to the site's own two-step sign-in page."""

    site_header = _("CRM administration")
    site_title = _("CRM administration")
    index_title = _("Administration")
    # The app list is one click away (the header and the breadcrumbs lead to it); the sidebar's 300 px are worth
    # more to the change lists, which then show every column in a 1,400 px window.
    enable_nav_sidebar = False

    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        return redirect_to_login(
            request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), login_url=reverse("login")
        )
