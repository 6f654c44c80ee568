from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("login/code/", views.SignInCodeView.as_view(), name="sign-in-code"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two-factor"),
    path("two-factor/enrol/", views.TwoFactorEnrolView.as_view(), name="two-factor-enrol"),
    path("two-factor/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery-codes"),
    path("two-factor/disable/", views.TwoFactorDisableView.as_view(), name="two-factor-disable"),
]
