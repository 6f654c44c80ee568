from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Sign-in, sessions, two-factor authentication, password rules and security headers."""

    default = True
    name = "security"
    verbose_name = _("Security")

    def ready(self):
        from security import signals  # noqa: F401  (connects the sign-in and deactivation receivers)


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that requires sessions verified by a second factor."""

    default = False
    default_site = "security.admin_site.TwoFactorAdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes, named in the reader's language in the admin (its models' names are translated in our
    catalogue: axes ships no Chinese)."""

    default = False
    verbose_name = _("Sign-in attempts")
