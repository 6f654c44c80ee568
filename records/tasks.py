"""Nightly recycle-bin purge."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="records.recycle_bin_purge",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    acks_late=True,
)
def recycle_bin_purge_task() -> int:
    """Purge entries past the retention period (idempotent: a rerun finds nothing left to purge)."""
    from records.services import deletion_purge_expired

    return deletion_purge_expired()
