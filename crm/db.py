"""Abstract model bases shared by every app.

An owned record of any app inherits `OwnedRecord`: a version for edits that never overwrite each other, and a
place in the recycle bin. The model then names its owner path and reach domain (accounts/reach.py) and gets
`HistoricalRecords` for field history.
"""

from functools import lru_cache

from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
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


_PK_PLACEHOLDER = 987654321987


@lru_cache(maxsize=256)
def _record_url_parts(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    url = reverse(name, kwargs={"pk": _PK_PLACEHOLDER}, urlconf=urlconf)
    before, after = url.split(str(_PK_PLACEHOLDER))
    return before, after


def record_url(name: str, pk: int) -> str:
    """reverse(name, kwargs={"pk": pk}) for a URL whose only argument is an integer pk, reversed once per name: a
    list page links every row, and reverse() costs about 40 µs each."""
    before, after = _record_url_parts(name, get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"
