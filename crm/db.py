"""Abstract model bases shared by every app.

An owned record of any app inherits `OwnedRecord`: a version for edits that never overwrite each other, and a
place in the recycle bin. The model then names its owner path and reach domain (accounts/reach.py) and gets
`HistoricalRecords` for field history.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A counter raised by every saved change: a form, admin page or task that read version N may write only
    while the row is still at N (records/versioning.py), so a stale edit is shown, never applied silently."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class LiveManager(models.Manager):
    """Rows not in the recycle bin: what every list, search, count, export and form choice sees."""

    def get_queryset(self):
        return super().get_queryset().filter(deletion__isnull=True)


class RecyclableModel(models.Model):
    """A row that deleting moves to the recycle bin (records.Deletion) instead of removing it.

    `objects` hides recycled rows; `all_objects` sees them (restore, purge, erasure). Related managers follow
    `objects`, so `customer.contacts.all()` shows no recycled contact either.
    """

    deletion = models.ForeignKey(
        "records.Deletion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("in the recycle bin since"),
    )

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff takes LiveManager() for a field; `objects` must come first: the default)

    class Meta:
        abstract = True
        base_manager_name = "all_objects"


class OwnedRecord(TimeStampedModel, VersionedModel, RecyclableModel):
    class Meta(TimeStampedModel.Meta, VersionedModel.Meta, RecyclableModel.Meta):
        abstract = True
