"""The site's URLs plus a `password_reset` page, for the pages that link to it only where it exists."""

from django.contrib.auth import views as auth_views
from django.urls import path

from crm.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
]
