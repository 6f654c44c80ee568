from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import language_set_view
from crm import views
from sales.views.home import HomeView
from security.views import PasswordChangeView, PasswordResetConfirmView, PasswordResetView, SignInView

urlpatterns = [
    # The signed-in user's day: their tasks, deals and quota (sales.views.home).
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("security.urls")),
    path("accounts/", include("accounts.urls")),
    # The language menu; signed-in users' choice is also kept on their profile.
    path("i18n/setlang/", language_set_view, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("customers/", include("customers.urls")),
    path("sales/", include("sales.urls")),
    # Public: the web-to-lead forms, which visitors send without an account (docs/leads.md).
    path("leads/", include("sales.public_urls")),
    path("records/", include("records.urls")),
    path("admin/", admin.site.urls),
]
