"""Celery wrappers of sales services: the task reminders beat sends every minute."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="sales.send_task_reminders",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    acks_late=True,
)
def task_reminders_send_task() -> int:
    """Remind owners of the tasks now due (idempotent: each task is reminded once, however often this runs)."""
    from sales.services.tasks import task_reminders_send

    return task_reminders_send()
