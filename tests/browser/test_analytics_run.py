"""A manager starts a segments run in a real browser and watches it: queued, then running (the progress bar moved by
static/js/analytics-run.js polling the run's progress, without reloading), then its segments on the page."""

import threading
import time

import pytest
from django.db import connection

from analytics.models import Run
from tests.analytics._history import sales_history
from tests.browser.test_customer_journey import browser_page  # noqa: F401  (the fixture)
from tests.factories.customers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def slow_worker(monkeypatch):
    """The broker's edge: a thread stands in for the worker, starting a second after the run is queued and
    pausing at 30% for three seconds, long enough for the page to poll it in that state."""
    from analytics.services import compute, run_execute

    original = dict(compute.COMPUTE)

    def paused(kind):
        def run(work):
            work.report(Run.Step.COMPUTING, 30)
            time.sleep(3)
            return original[kind](work)

        return run

    for kind in original:
        monkeypatch.setitem(compute.COMPUTE, kind, paused(kind))
    threads = []

    def work(run_id):
        time.sleep(1)
        try:
            run_execute(run_id=run_id)
        finally:
            connection.close()

    def delay(*, run_id):
        thread = threading.Thread(target=work, args=(run_id,))
        thread.start()
        threads.append(thread)

    monkeypatch.setattr("analytics.services.runs.run_execute_task.delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=30)


def test_a_manager_starts_a_run_and_watches_it_finish(live_server, browser_page, manager, rep, slow_worker):  # noqa: F811
    # given: a manager, and a year of orders by the customers of their team
    page = browser_page
    sales_history(owner=rep, customers=30)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on the home page

    # when: they choose Analytics, then Run now → Customer segments, and start it
    page.click("nav >> text=Analytics")
    page.click("[data-testid=run-now]")
    page.click("text=Customer segments")
    page.fill("input[name=k_min]", "4")
    page.click("form.run-form button[type=submit]")

    # then: the run's page shows it queued
    page.wait_for_selector("[data-run-progress]")
    run = Run.objects.get()
    assert page.url == f"{live_server.url}{run.get_absolute_url()}"
    assert "is queued" in page.inner_text("body")
    # and, without a reload, the bar follows it: running at 30%…
    page.wait_for_function(
        "() => document.querySelector('[data-run-status]').textContent.trim() === 'Running'"
        " && document.querySelector('[data-run-bar]').value === 30"
    )
    assert page.inner_text("[data-run-step]") == "Computing"
    assert page.inner_text("[data-run-percent]") == "30"
    # …then finished, and the page shows the segments
    page.wait_for_selector("[data-testid=segment-table]", timeout=30_000)
    assert page.inner_text("[data-run-status]") == "Succeeded"
    assert page.eval_on_selector("[data-run-bar]", "bar => bar.value") == 100
    assert "segments, chosen by the silhouette" in page.inner_text("[data-testid=segment-choice]")
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED and run.requested_by == manager
