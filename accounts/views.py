"""The user's own profile page, their notifications, and the language menu remembering the choice for signed-in
users."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView
from django.views.i18n import set_language

from accounts.forms import ProfileForm
from accounts.notifications import inbox, mark_all_read, mark_read, safe_link
from accounts.selectors import profile_of, time_zone_name_of
from accounts.services import profile_language_set, profile_update
from security.policy import is_administrator
from security.selectors import two_factor_enabled


def _remember_language(response, language: str):
    """The same cookie the language menu sets, so the choice also holds on the sign-in page after signing out."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class ProfileView(LoginRequiredMixin, FormView):
    """Name, email, language and time zone, and the way to the password and two-factor pages."""

    form_class = ProfileForm
    template_name = "accounts/profile.html"

    def get_initial(self):
        user = self.request.user
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "language": profile_of(user).language or translation.get_language(),
            "time_zone": time_zone_name_of(user),
        }

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs,
            two_factor_on=two_factor_enabled(user=user),
            two_factor_required=is_administrator(user),
        )

    def form_valid(self, form):
        try:
            changed = profile_update(user=self.request.user, request=self.request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        language = form.cleaned_data["language"]
        translation.activate(language)  # the message below is already in the new language
        messages.success(self.request, _("Your profile was saved.") if changed else _("Nothing was changed."))
        return _remember_language(redirect("accounts:profile"), language)


def language_set_view(request):
    """Django's set_language (the menu in the navigation bar), also remembering the choice on a signed-in user's
    profile, so it follows them to their other browsers."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        if language in dict(settings.LANGUAGES):
            profile_language_set(user=request.user, language=language)
    return response


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's own notifications, newest first, unread ones marked."""

    template_name = "accounts/notifications.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return inbox(self.request.user).only("id", "title", "body", "url", "created_at", "read_at")


class NotificationOpenView(LoginRequiredMixin, View):
    """Following a notification marks it read and goes to what it is about (or back to the list)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        note = get_object_or_404(inbox(request.user), pk=pk)
        mark_read(request.user, note)
        return redirect(safe_link(note.url) or "accounts:notifications")


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        done = mark_all_read(request.user)
        if done:
            messages.success(
                request,
                ngettext("Marked %(count)d notification read.", "Marked %(count)d notifications read.", done)
                % {"count": done},
            )
        return redirect("accounts:notifications")
