"""Runs through real Redis to real `celery -A crm worker` processes working on the test database: a run end to end;
a worker process killed mid-run (its run is delivered again and taken over, or failed after its last attempt, and
never half-written); two workers given the same run (one computes it); a whole worker killed (the recovery sweep
queues its run again)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from analytics.models import CustomerSegment, Run
from analytics.services import run_create, runs_recover
from analytics.tasks import run_execute_task
from crm.celery import app
from tests.analytics._history import sales_history
from tests.conftest import REPO

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="CELERY_BROKER_URL does not name a Redis broker"),
    pytest.mark.skipif(connection.vendor != "mysql", reason="the worker needs the test database on a server"),
    # The worker reads what the test committed; serialized_rollback puts back the migrations' rows afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"mysql://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 3306}/{settings['NAME']}"


def _route(routes) -> None:
    """Set the task routes; the router Celery built from the previous ones is dropped."""
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@pytest.fixture
def queue():
    """A queue of the test's own, so no other worker takes its runs; run tasks are sent to it."""
    name = f"test-runs-{uuid.uuid4().hex[:12]}"
    app.conf.task_always_eager = False
    _route({"analytics.execute_run": {"queue": name}})
    yield name
    _route(None)
    app.conf.task_always_eager = True
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete(name)
        # A message left unacknowledged by a killed worker: forget it rather than let it come back in an hour.
        for tag, payload in client.hgetall("unacked").items():
            if name.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@pytest.fixture
def start_worker(queue):
    started: list[subprocess.Popen] = []

    def start(*, pool: str = "prefork", pause: float = 0, **env: str) -> subprocess.Popen:
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
                "--include=tests.analytics.worker_pause",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"{queue}-{len(started)}@%h",
            ],
            cwd=REPO,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "crm.settings.test",
                "DATABASE_URL": _database_url(),
                "ANALYTICS_TEST_PAUSE_SECONDS": str(pause),
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def history(rep):
    return sales_history(owner=rep, customers=30)


def _until(run: Run, condition, *, timeout: float = 120) -> Run:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if condition(run):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run #{run.pk} is {run.status} at {run.progress}% ({run.step}) after {timeout} s")


def _finished(run: Run) -> bool:
    return run.is_finished


def _paused(run: Run) -> bool:
    return run.status == Run.Status.RUNNING and run.progress == 30


def test_a_run_goes_through_redis_to_a_worker_and_its_results_come_back(history, manager, start_worker):
    worker = start_worker()

    run, _ = run_create(kind="segments", by=manager)
    run = _until(run, _finished)

    assert run.status == Run.Status.SUCCEEDED, run.error
    assert run.attempts == 1 and run.worker.split(":")[1] != str(os.getpid())
    assert CustomerSegment.objects.filter(run=run).count() == run.results == 30
    assert worker.poll() is None


@pytest.mark.parametrize(("attempts", "outcome"), [(5, Run.Status.SUCCEEDED), (1, Run.Status.FAILED)])
def test_a_worker_process_killed_mid_run_leaves_a_run_taken_over_or_failed_never_half_written(
    history, manager, start_worker, attempts, outcome
):
    # given: a worker whose pool replaces a process that dies; runs pause at 30%
    start_worker(pause=4, ANALYTICS_RUN_MAX_ATTEMPTS=str(attempts))
    run, _ = run_create(kind="segments", by=manager)
    run = _until(run, _paused)

    # when: the process computing it is killed, as the out-of-memory killer would
    os.kill(int(run.worker.split(":")[1]), signal.SIGKILL)
    time.sleep(0.5)
    assert not CustomerSegment.objects.filter(run=run).exists()

    # then: its message comes back to a new process, which takes the run over (or fails it after its last
    # attempt); either way its results are all there or none are
    run = _until(run, _finished)
    assert run.status == outcome, run.error
    members = CustomerSegment.objects.filter(run=run).count()
    if outcome == Run.Status.SUCCEEDED:
        assert run.attempts == 2 and members == run.results == 30
    else:
        assert run.attempts == 1 and members == 0 and "worker stopped" in run.error
    assert run.active_key is None


def test_two_workers_given_the_same_run_compute_it_once(history, manager, start_worker, queue):
    # given: two workers, each ready to take a message, and the run sent twice (a duplicate delivery)
    start_worker(pool="solo", pause=3)
    start_worker(pool="solo", pause=3)
    run, _ = run_create(kind="segments", by=manager, enqueue=False)

    run_execute_task.apply_async(kwargs={"run_id": run.pk}, queue=queue)
    run_execute_task.apply_async(kwargs={"run_id": run.pk}, queue=queue)
    run = _until(run, _finished)

    # then: one attempt computed it; the other found it held, or finished, and left it
    assert run.status == Run.Status.SUCCEEDED, run.error
    assert run.attempts == 1
    assert CustomerSegment.objects.filter(run=run).count() == run.results == 30


def test_a_whole_worker_killed_mid_run_is_queued_again_by_the_recovery_sweep(history, manager, start_worker):
    # given: a worker with no pool (one process) killed while computing: its message stays with the broker
    worker = start_worker(pool="solo", pause=30)
    run, _ = run_create(kind="segments", by=manager)
    run = _until(run, _paused)
    worker.kill()
    worker.wait(timeout=20)

    # when: the sweep runs (two minutes later) and a worker is there again
    counts = runs_recover(now=timezone.now() + timedelta(minutes=3))
    start_worker()

    # then
    run = _until(run, _finished)
    assert counts["requeued"] == 1
    assert run.status == Run.Status.SUCCEEDED and run.attempts == 2
    assert CustomerSegment.objects.filter(run=run).count() == run.results == 30
