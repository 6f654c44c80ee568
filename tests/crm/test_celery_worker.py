"""A task sent through the real Redis broker is run by a real worker process, and its result can be read."""
import os
import subprocess
import sys
import time
import uuid

import pytest
from celery.result import AsyncResult

from crm.celery import app, ping
from tests.conftest import REPO

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="CELERY_BROKER_URL does not name a Redis broker"),
]


@pytest.fixture
def worker():
    """A worker process on a queue of its own, so no other worker can take the test's task."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings.test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
         "-n", f"{queue}@%h"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield queue, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_task_travels_through_redis_to_a_worker_and_back(worker, settings):
    # given a real worker listening on its own queue, and the test process no longer running tasks eagerly
    queue, process = worker
    app.conf.task_always_eager = False
    try:
        # when
        result = ping.apply_async(queue=queue)
        answer = result.get(timeout=60)
        looked_up = AsyncResult(result.id, app=app)
        deadline = time.monotonic() + 10
        while looked_up.state != "SUCCESS" and time.monotonic() < deadline:
            time.sleep(0.2)
        state, stored = looked_up.state, looked_up.result
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    # then the answer came from the worker process, and the result can be looked up again by id
    assert answer["pong"] == "ok"
    assert int(answer["pid"]) == process.pid != os.getpid()
    assert state == "SUCCESS" and stored == answer
