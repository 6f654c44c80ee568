"""Tasks sent through the real Redis broker are run by real worker processes: results can be read back, and a
task that keeps killing its worker is given up after CELERY_TASK_MAX_DELIVERIES deliveries."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery.result import AsyncResult

from crm.celery import TaskDeliveryLimitExceeded, app, ping
from tests.conftest import REPO
from tests.crm.worker_tasks import crash_worker_task

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="CELERY_BROKER_URL does not name a Redis broker"),
]


@pytest.fixture
def start_worker():
    """Starts worker processes, each on a queue of its own, so no other worker can take the test's tasks."""
    started: list[subprocess.Popen] = []

    def start(*, pool: str = "solo", **env: str) -> tuple[str, subprocess.Popen]:
        queue = f"test-{uuid.uuid4().hex[:12]}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "-Q",
                queue,
                "--include=tests.crm.worker_tasks",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"{queue}@%h",
            ],
            cwd=REPO,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings.test", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return queue, process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def through_the_broker(settings):
    """The test process sends tasks to the broker instead of running them in-process."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def _state_when_settled(result: AsyncResult, *, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while result.state not in ("SUCCESS", "FAILURE") and time.monotonic() < deadline:
        time.sleep(0.2)
    return result.state


def test_task_travels_through_redis_to_a_worker_and_back(start_worker, through_the_broker):
    # given a real worker listening on its own queue
    queue, process = start_worker()

    # when
    result = ping.apply_async(queue=queue)
    answer = result.get(timeout=60)
    looked_up = AsyncResult(result.id, app=app)
    state, stored = _state_when_settled(looked_up, timeout=10), looked_up.result

    # then the answer came from the worker process, and the result can be looked up again by id
    assert answer["pong"] == "ok"
    assert int(answer["pid"]) == process.pid != os.getpid()
    assert state == "SUCCESS" and stored == answer


def test_task_that_keeps_killing_its_worker_is_marked_failed_after_the_delivery_limit(
    start_worker, through_the_broker, tmp_path
):
    # given: a worker whose pool replaces each process that dies, allowing two deliveries of a message
    queue, process = start_worker(pool="prefork", CELERY_TASK_MAX_DELIVERIES="2")
    marker = tmp_path / "runs"

    # when: a late-acknowledged task kills its worker process each time it runs
    result = crash_worker_task.apply_async(kwargs={"marker": str(marker)}, queue=queue)
    state = _state_when_settled(result, timeout=90)

    # then: it ran twice, each time in a new process, and the third delivery marked it failed without running it
    runs = marker.read_text().splitlines() if marker.exists() else []
    assert state == "FAILURE", _output_so_far(process)
    assert isinstance(result.result, TaskDeliveryLimitExceeded)
    assert len(runs) == 2 and len(set(runs)) == 2
    # and the worker goes on serving other tasks
    assert ping.apply_async(queue=queue).get(timeout=60)["pong"] == "ok"
    assert len(marker.read_text().splitlines()) == 2  # the message was acknowledged, not delivered again


def _output_so_far(process: subprocess.Popen) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=20)
    return output[-4000:]
