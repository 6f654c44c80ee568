"""Sign-in with an optional second step, the pages to turn two-factor authentication on and off, and changing or
resetting a password."""

from __future__ import annotations

import base64
import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from security.forms import EnrolForm, PasswordConfirmForm, SignInCodeForm
from security.lockout import lockout_response
from security.policy import is_administrator
from security.qr import qr_data_uri
from security.selectors import recovery_codes_left, two_factor_enabled
from security.services import (
    PasswordResetLimited,
    password_change,
    password_reset_complete,
    password_reset_request,
    recovery_codes_create,
    session_generation_raise,
    totp_device_confirm,
    totp_device_pending,
    two_factor_disable,
)
from security.sessions import GENERATION

PENDING = "security.pending_sign_in"
NEW_CODES = "security.new_recovery_codes"


class SignInView(LoginView):
    """Step one: username and password. Users with an authenticator go on to step two before they are signed
    in, so `user_logged_in` is sent once, when the sign-in is complete."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor_enabled(user=user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return redirect("security:sign-in-code")


class SignInCodeView(FormView):
    """Step two: a code from the authenticator app or a recovery code. A wrong code is a failed sign-in: it is
    reported through `user_login_failed`, so the lockout counts it like a wrong password."""

    form_class = SignInCodeForm
    template_name = "security/sign_in_code.html"

    def dispatch(self, request, *args, **kwargs):
        pending = request.session.get(PENDING)
        if not pending or time.time() - pending["at"] > settings.CRM_TWO_FACTOR_STEP_SECONDS:
            request.session.pop(PENDING, None)
            if pending:
                messages.info(request, _("That took too long. Please sign in again."))
            return redirect(settings.LOGIN_URL)
        self.user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
        if self.user is None:
            request.session.pop(PENDING, None)
            return redirect(settings.LOGIN_URL)
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            return lockout_response(self.request, None, credentials)
        device = match_token(self.user, form.cleaned_data["token"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            form.add_error("token", _("That code is not right. Enter the code your app shows now, or a recovery code."))
            return self.form_invalid(form)
        del self.request.session[PENDING]
        self.user.otp_device = device  # django_otp keeps the verifying device in the session on login
        login(self.request, self.user, backend=self.pending["backend"])
        if isinstance(device, StaticDevice):
            left = recovery_codes_left(user=self.user)
            messages.warning(
                self.request,
                ngettext(
                    "You signed in with a recovery code; it cannot be used again. %(count)s recovery code is left.",
                    "You signed in with a recovery code; it cannot be used again. %(count)s recovery codes are left.",
                    left,
                )
                % {"count": left},
            )
        return redirect(self.pending["next"] or resolve_url(settings.LOGIN_REDIRECT_URL))


class TwoFactorView(LoginRequiredMixin, TemplateView):
    """The user's two-factor settings: whether it is on, recovery codes left, and what they can do."""

    template_name = "security/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs,
            enabled=two_factor_enabled(user=user),
            codes_left=recovery_codes_left(user=user),
            required=is_administrator(user),
        )


def _grouped(secret: bytes) -> str:
    text = base64.b32encode(secret).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class TwoFactorEnrolView(LoginRequiredMixin, FormView):
    """Add an authenticator app: scan the QR code (or type the key), then confirm with a code from the app."""

    form_class = EnrolForm
    template_name = "security/two_factor_enrol.html"

    def get_context_data(self, **kwargs):
        device = totp_device_pending(user=self.request.user)
        return super().get_context_data(
            **kwargs,
            qr_code=qr_data_uri(device.config_url),
            secret=_grouped(device.bin_key),
            replacing=two_factor_enabled(user=self.request.user),
            required=is_administrator(self.request.user),
        )

    def form_valid(self, form):
        user = self.request.user
        device = totp_device_pending(user=user)
        try:
            codes = totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
            return self.form_invalid(form)
        device.refresh_from_db()
        # Sessions signed in with the password alone end; this one goes on, verified by the new device.
        self.request.session[GENERATION] = session_generation_raise(user=user)
        otp_login(self.request, device)
        self.request.session[NEW_CODES] = codes
        messages.success(self.request, _("Two-factor authentication is on. Keep your recovery codes somewhere safe."))
        return redirect("security:recovery-codes")


class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """New recovery codes are shown once, right after they were made; afterwards only how many are left."""

    template_name = "security/recovery_codes.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor_enabled(user=request.user):
            return redirect("security:two-factor")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            new_codes=self.request.session.pop(NEW_CODES, None),
            codes_left=recovery_codes_left(user=self.request.user),
        )

    def post(self, request, *args, **kwargs):
        request.session[NEW_CODES] = recovery_codes_create(user=request.user)
        messages.success(request, _("New recovery codes were made; the old ones no longer work."))
        return redirect("security:recovery-codes")


class TwoFactorDisableView(LoginRequiredMixin, FormView):
    """Turn two-factor authentication off, after typing the password. Not offered to administrators."""

    form_class = PasswordConfirmForm
    template_name = "security/two_factor_disable.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor_enabled(user=request.user):
            return redirect("security:two-factor")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, required=is_administrator(self.request.user))

    def form_valid(self, form):
        try:
            two_factor_disable(user=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Two-factor authentication is off."))
        return redirect("security:two-factor")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (current password, then the new one twice, checked by the site's password rules); the change
    is recorded and ends the user's other sessions, this one goes on."""

    def form_valid(self, form):
        user = form.user
        generation = password_change(user=user, password=form.cleaned_data["new_password1"], request=self.request)
        update_session_auth_hash(self.request, user)
        self.request.session[GENERATION] = generation
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email. The answer is the same whether or not anybody has that email; only the
    limit on requests (per address and per email, like sign-in) is ever told."""

    def form_valid(self, form):
        try:
            password_reset_request(
                email=form.cleaned_data["email"],
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
                request=self.request,
            )
        except PasswordResetLimited as exc:
            minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
            if exc.by_address:
                message = ngettext(
                    "Too many password reset requests came from your address. Try again in %(minutes)s minute.",
                    "Too many password reset requests came from your address. Try again in %(minutes)s minutes.",
                    minutes,
                )
            else:
                message = ngettext(
                    "Too many password reset requests were made for this email address. "
                    "Try again in %(minutes)s minute.",
                    "Too many password reset requests were made for this email address. "
                    "Try again in %(minutes)s minutes.",
                    minutes,
                )
            form.add_error(None, message % {"minutes": minutes})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link. A used or expired link shows a page saying so. The reset ends
    every session of the user and signs nobody in."""

    def form_valid(self, form):
        password_reset_complete(user=form.user, password=form.cleaned_data["new_password1"], request=self.request)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())
