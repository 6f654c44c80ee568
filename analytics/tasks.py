"""Celery tasks of the analytics app: each loads nothing, calls one service and declares its retry policy."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Only database errors that another try can cure: a dropped connection, a deadlock, a lock wait timeout.
TRANSIENT = (OperationalError, InterfaceError)


def _run_execute_task_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
    """Once the task has finally failed (retries spent, or its worker kept dying: crm.celery.Task's delivery
    limit), the run is marked failed so that it never stays queued or running."""
    from django.utils.translation import gettext as _

    from analytics.services import run_fail

    run_id = kwargs.get("run_id")
    if run_id is None:
        return
    run_fail(
        run_id=run_id,
        error=_("The run could not be completed: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"},
    )


@shared_task(
    name="analytics.execute_run",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    acks_late=True,
    on_failure=_run_execute_task_failure,
)
def run_execute_task(*, run_id: int) -> None:
    """Compute one run (idempotent: a finished run is left alone, a run another worker holds too)."""
    from analytics.services import run_execute

    run_execute(run_id=run_id)


@shared_task(name="analytics.schedule_run")
def run_schedule_task(*, kind: str) -> int | None:
    """The nightly run of one kind: queues it (or finds it queued already) and returns its id (None: no data)."""
    from analytics.services import run_schedule

    run = run_schedule(kind=kind)
    return run.pk if run else None


@shared_task(
    name="analytics.recover_runs",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    acks_late=True,
)
def runs_recover_task() -> dict[str, int]:
    """Requeue or fail the runs no worker is on (idempotent)."""
    from analytics.services import runs_recover

    return runs_recover()
