"""The Celery application: tasks are autodiscovered in each app's tasks.py.

With CELERY_BROKER_URL unset the development and test settings make every task run eagerly, in-process, so a fresh
checkout needs no broker (production refuses to start without one); with it set, tasks go through Redis to
`celery -A crm worker` processes.
"""

import logging
import os
import socket

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")

logger = logging.getLogger(__name__)


class TaskDeliveryLimitExceeded(Exception):
    """A task's message came back more often than CELERY_TASK_MAX_DELIVERIES allows; it was not run again."""


class Task(DjangoTask):
    """The base of every task (the app's task_cls).

    A task that acknowledges late (`acks_late=True`, set on idempotent tasks only) is delivered again when its
    worker process dies while running it. If the task itself kills the process (out of memory, a crash in a C
    library), that would repeat forever. So each delivery of a message is counted in the result backend's Redis;
    past CELERY_TASK_MAX_DELIVERIES the task is not run but fails with TaskDeliveryLimitExceeded: its result
    turns FAILURE, its `on_failure` hook runs (e.g. marking its run failed) and the message is acknowledged.
    """

    # A retry is a new message with the same id and one more retry, so each message is counted on its own.
    delivery_key = "crm:task-deliveries:{id}:{retries}"
    delivery_key_ttl = 7 * 24 * 60 * 60

    def before_start(self, task_id: str, args: tuple, kwargs: dict) -> None:
        if not self.acks_late or self.request.is_eager:
            return  # acknowledged on receipt, or run in-process: never delivered twice
        limit = self.app.conf.get("task_max_deliveries") or 0
        client = getattr(self.backend, "client", None)
        if limit <= 0 or client is None:
            return  # no limit, or no Redis result backend to count in
        key = self.delivery_key.format(id=task_id, retries=self.request.retries or 0)
        with client.pipeline() as pipe:
            deliveries, _ = pipe.incr(key).expire(key, self.delivery_key_ttl).execute()
        if deliveries > limit:
            logger.error(
                "Task %s[%s] was delivered %d times without finishing (its worker process died each "
                "time); marking it failed instead of running it again.",
                self.name,
                task_id,
                deliveries,
            )
            raise TaskDeliveryLimitExceeded(
                f"Delivered {deliveries} times without finishing; CELERY_TASK_MAX_DELIVERIES is {limit}."
            )


app = Celery("crm", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Idempotent (it only reads), so it may be acknowledged late: a ping whose worker dies is answered by another.
@app.task(name="crm.ping", ignore_result=False, acks_late=True)
def ping() -> dict[str, str]:
    """Answer which worker ran the task: a health check for the broker, the workers and the result store."""
    return {"pong": "ok", "hostname": socket.gethostname(), "pid": str(os.getpid())}
