from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionGeneration(models.Model):
    """A per-user counter copied into each session at sign-in; a session whose copy is older is over.

    It is raised when the user is deactivated (so reactivating them does not revive old sessions) and when they
    turn on two-factor authentication (so sessions signed in with the password alone end)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="session_generation",
        verbose_name=_("user"),
    )
    value = models.PositiveIntegerField(_("generation"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("session generation")
        verbose_name_plural = _("session generations")

    def __str__(self):
        return f"{self.user_id}: {self.value}"
