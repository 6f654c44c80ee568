"""The recycle bin and the audit log."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Deletion(models.Model):
    """One delete: a record and what hung on it, in the recycle bin until restored or purged.

    Every row it took carries this entry in its `deletion` column, so a restore brings back exactly what this
    delete took (not a contact deleted on its own the week before).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    label = models.CharField(_("record"), max_length=255)
    domain = models.CharField(_("domain"), max_length=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("deleted by")
    )
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)
    summary = models.JSONField(_("what it took"), default=dict, blank=True)

    owner_path = "owner"

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("recycle bin entry")
        verbose_name_plural = _("recycle bin")
        indexes = [
            models.Index(fields=["owner", "deleted_at"], name="deletion_owner_idx"),
            models.Index(fields=["deleted_at"], name="deletion_at_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    def summary_display(self) -> list[tuple[str, int]]:
        """What the delete took with the record, as (translated name, count), e.g. ("Contacts", 2)."""
        return [(taken_label(label), count) for label, count in self.summary.items()]


def taken_label(model_label: str) -> str:
    """A model's plural name from its "app.model" label, in the active language (the label when unknown)."""
    from django.apps import apps

    try:
        return str(apps.get_model(model_label)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return model_label


class AuditEntry(models.Model):
    """Something that moved or removed data in bulk or reached outside one record. Written once, never changed:
    no page, admin screen or service edits or deletes an entry."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        EXPORT = "export", _("Export")
        DELETE = "delete", _("Deleted to the recycle bin")
        RESTORE = "restore", _("Restored from the recycle bin")
        PURGE = "purge", _("Purged")
        ERASE = "erase", _("Personal data erased")
        PERSON_EXPORT = "person_export", _("Personal data exported")
        BULK_CHANGE = "bulk_change", _("Bulk change")
        OWNER_CHANGE = "owner_change", _("Owner changed")
        ROLE_CHANGE = "role_change", _("Roles changed")
        TEAM_CHANGE = "team_change", _("Team changed")
        DUPLICATE_HINT = "duplicate_hint", _("Duplicate outside reach reported")
        PROFILE_CHANGE = "profile_change", _("Profile changed")
        PASSWORD_CHANGE = "password_change", _("Password changed")
        RESET_REQUESTED = "reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset")

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text too: the entry must still say who after the user is removed.
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_label = models.CharField(_("record"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["at"], name="audit_at_idx"),
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        # Append-only: an entry that could be edited would prove nothing.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)
