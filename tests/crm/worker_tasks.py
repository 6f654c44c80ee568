"""Tasks for the worker tests only: the test worker imports this module (celery worker --include), the product never
does."""

import os
from pathlib import Path

from crm.celery import app


@app.task(name="tests.crash_worker", acks_late=True)
def crash_worker_task(*, marker: str) -> None:
    """Note the run in `marker`, then end the worker process at once, as the kernel's out-of-memory killer would."""
    with Path(marker).open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    os._exit(1)
