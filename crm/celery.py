"""The Celery application: tasks are autodiscovered in each app's tasks.py.

With CELERY_BROKER_URL unset the settings make every task run eagerly, in-process, so a fresh checkout needs
no broker; with it set, tasks go through Redis to `celery -A crm worker` processes.
"""
import os
import socket

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="crm.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer which worker ran the task: a health check for the broker, the workers and the result store."""
    return {"pong": "ok", "hostname": socket.gethostname(), "pid": str(os.getpid())}
