"""Teams: the unit a manager's reach is measured in, shared by every app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.db import TimeStampedModel


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
