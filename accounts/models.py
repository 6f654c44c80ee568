"""Teams (the unit a manager's reach is measured in, shared by every app), each user's profile and the
notifications the app sends them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.db import TimeStampedModel
from crm.timezones import is_known_zone


def validate_time_zone(value: str) -> None:
    if value and not is_known_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a time zone. Choose one from the list, such as Asia/Shanghai."),
            code="unknown_time_zone",
            params={"value": value},
        )


class Team(TimeStampedModel):
    """A group of users under one manager, who reaches the records of every member."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_teams", verbose_name=_("manager")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Profile(TimeStampedModel):
    """A user's own settings. Created the first time one is saved; until then every setting is the site's default
    (selectors.profile_of hands out an unsaved one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
        verbose_name=_("user"),
    )
    # Empty means the site's TIME_ZONE; otherwise an IANA name (Asia/Shanghai), checked by services.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_time_zone])
    # Empty means the language the browser asks for (or the one chosen in the menu while signed out).
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    # Kept by accounts.notifications so that the bell in the navigation costs no query: the profile comes with
    # every request's user (crm.backends).
    unread_notifications = models.PositiveIntegerField(_("unread notifications"), default=0, editable=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class Notification(models.Model):
    """Something the app tells one user: a lead assigned to them, a task due. Shown under the bell in the
    navigation and, when asked for, sent by email too. Only its recipient reads it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # What sent it, for filtering and for the senders' idempotence checks ("lead_assigned", "task_due").
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # A path inside the CRM ("/customers/12/"); never an outside address.
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title
