"""Teams (the unit a manager's reach is measured in, shared by every app) and each user's profile."""

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

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
