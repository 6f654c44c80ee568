"""The run pages as each role sees them: managers and administrators start runs and read them, marketers read them,
reps and the signed-out do neither; bad values come back on their fields with nothing queued; a second click on
"run now" while the run is queued leads to the same run; results list only what the reader reaches."""

import re
from datetime import UTC, datetime
from unittest.mock import patch

import pytest
from django.urls import reverse

from accounts.roles import MARKETER
from analytics.models import Run, Score
from analytics.services import run_create, run_execute
from tests.analytics._history import sale, sales_history
from tests.customers._support import page_text
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales import ProductFactory

pytestmark = pytest.mark.django_db

LIST = reverse("analytics:run-list")


def create_url(kind: str) -> str:
    return reverse("analytics:run-create", kwargs={"kind": kind})


@pytest.fixture
def history(rep):
    return sales_history(owner=rep, customers=30)


@pytest.fixture
def finished(history, manager):
    """A succeeded run of each kind over the history (win probability aside: no pipeline here)."""
    runs = {}
    for kind, params in (
        ("segments", {}),
        ("rules", {"min_support": "0.05"}),
        ("forecast", {}),
        ("churn_risk", {"window_days": "60"}),
        ("customer_value", {"period_days": "60"}),
    ):
        with patch("analytics.services.runs.run_execute_task.delay"):
            run, _ = run_create(kind=kind, by=manager, params=params)
        run_execute(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == Run.Status.SUCCEEDED, run.error
        runs[kind] = run
    return runs


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reps_may_neither_read_nor_start_runs(client, rep, finished):
    client.force_login(rep)

    assert client.get(LIST).status_code == 403
    assert client.get(finished["segments"].get_absolute_url()).status_code == 403
    assert client.get(create_url("segments")).status_code == 403
    assert client.post(create_url("segments"), {}).status_code == 403
    assert 'href="/analytics/"' not in page_text(client.get(reverse("customers:customer-list")))


def test_marketers_read_runs_but_cannot_start_them(client, finished):
    client.force_login(UserFactory(role=MARKETER))

    html = page_text(client.get(LIST))
    assert 'href="/analytics/"' in html and "Run now" not in html
    assert client.get(finished["segments"].get_absolute_url()).status_code == 200
    assert client.get(create_url("segments")).status_code == 403


def test_the_history_lists_every_run_with_its_status_data_and_who_asked(client, manager, finished):
    failed = Run.objects.create(
        kind=Run.Kind.RULES, status=Run.Status.FAILED, error="Something went wrong", country="FR"
    )
    client.force_login(manager)

    html = page_text(client.get(LIST))

    assert "6 runs" in html
    assert html.count('data-run="') == 6
    assert "Something went wrong" in html and "country France" in html
    assert "Mona Manager" in html and "Run now" in html
    assert f'href="{failed.get_absolute_url()}"' in html
    filtered = page_text(client.get(LIST, {"status": "failed"}))
    assert filtered.count('data-run="') == 1


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("segments", ["segments, chosen by the silhouette", "Silhouette by number of segments"]),
        ("rules", ["baskets of", "Product A"]),
        ("forecast", ["Backtest", "Seasonal-naive", "80% interval"]),
        ("churn_risk", ["AUC", "Calibration", "Customers most at risk"]),
        ("customer_value", ["Mean absolute error", "Most valuable customers"]),
    ],
)
def test_a_finished_runs_page_shows_its_results(client, manager, finished, kind, expected):
    client.force_login(manager)

    html = page_text(client.get(finished[kind].get_absolute_url()))

    for text in expected:
        assert text in html, text
    assert 'data-finished="true"' in html and 'value="100"' in html
    assert "js/analytics-run.js" in html


def test_the_forecast_says_plainly_whether_it_beats_the_seasonal_naive_forecast(client, manager, finished):
    client.force_login(manager)
    series = finished["forecast"].forecast_series.get()

    html = page_text(client.get(finished["forecast"].get_absolute_url()))

    if series.beats_baseline:
        assert "The model beats the seasonal-naive forecast" in html
    else:
        assert "The model does not beat the seasonal-naive forecast" in html


def test_scores_list_only_the_customers_the_reader_reaches(client, manager, outsider, finished):
    # given: a customer of another team scored highest
    run = finished["churn_risk"]
    stranger = CustomerFactory(owner=outsider, name="Stranger Things Ltd")
    Score.objects.create(kind=run.kind, run=run, customer=stranger, value=0.999)
    client.force_login(manager)

    html = page_text(client.get(run.get_absolute_url()))

    assert "Stranger Things Ltd" not in html
    assert "History customer" in html


def test_progress_is_read_as_json(client, manager, finished):
    running = Run.objects.create(kind=Run.Kind.RULES, status=Run.Status.RUNNING, progress=40, step="computing")
    client.force_login(manager)

    data = client.get(reverse("analytics:run-progress", kwargs={"pk": running.pk})).json()
    done = client.get(reverse("analytics:run-progress", kwargs={"pk": finished["rules"].pk})).json()

    assert data == {
        "status": "running",
        "status_label": "Running",
        "progress": 40,
        "step": "Computing",
        "finished": False,
        "error": "",
    }
    assert done["finished"] and done["progress"] == 100
    assert client.get(reverse("analytics:run-progress", kwargs={"pk": 999999})).status_code == 404


def test_run_now_queues_the_run_and_shows_it(client, manager, history):
    client.force_login(manager)

    with patch("analytics.services.runs.run_execute_task.delay") as delay:
        response = client.post(create_url("rules"), {"min_support": "0.05", "algorithm": "apriori", "exclude": ""})

    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.params["min_support"] == 0.05 and run.requested_by == manager and run.origin == Run.Origin.PAGE
    assert run.status == Run.Status.QUEUED
    html = page_text(client.get(run.get_absolute_url()))
    assert "is queued" in html and 'data-finished="false"' in html
    assert delay.call_count <= 1  # sent once the run is committed


def test_two_clicks_on_run_now_give_one_run(client, manager, history):
    client.force_login(manager)
    data = {"min_support": "0.05", "algorithm": "apriori", "since": "2023-01-01"}

    with patch("analytics.services.runs.run_execute_task.delay"):
        first = client.post(create_url("rules"), data)
        second = client.post(create_url("rules"), data, follow=True)

    run = Run.objects.get()
    assert first["Location"] == run.get_absolute_url()
    assert second.redirect_chain[-1][0] == run.get_absolute_url()
    assert "The same run is already queued or running; here it is." in page_text(second)


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("rules", {"min_support": "0"}, "min_support", "min_support must be greater than 0; got 0."),
        ("forecast", {"horizon": "0", "freq": "W", "group_by": "overall"}, "horizon", "horizon must be at least 1"),
        ("segments", {"since": "2023-06-01", "until": "2023-05-01"}, "until", "The end date is before the start date."),
        ("rules", {"min_support": "0.1", "exclude": "NOPE"}, "exclude", "No product has the SKU NOPE."),
        ("churn-risk", {"country": "JP"}, None, "No sales orders match these filters (country Japan)."),
    ],
)
def test_bad_values_come_back_on_their_fields_and_nothing_is_queued(
    client, manager, history, kind, data, field, message
):
    client.force_login(manager)

    with patch("analytics.services.runs.run_execute_task.delay") as delay:
        response = client.post(create_url(kind), data)

    assert response.status_code == 200
    html = page_text(response)
    assert message in html
    if field:
        assert re.search(rf'id="id_{field}"[^>]*is-invalid|is-invalid[^>]*id="id_{field}"', html), field
    assert Run.objects.count() == 0
    delay.assert_not_called()


def test_a_team_outside_the_managers_reach_cannot_be_chosen(client, manager, outsider, history):
    client.force_login(manager)
    south = outsider.teams.get()

    response = client.post(create_url("rules"), {"min_support": "0.1", "team": south.pk})

    assert response.status_code == 200 and "Select a valid choice" in page_text(response)
    assert Run.objects.count() == 0


def test_an_unknown_kind_answers_404(client, manager):
    client.force_login(manager)

    assert client.get(create_url("horoscope")).status_code == 404


def test_run_again_queues_the_same_run(client, manager, finished):
    client.force_login(manager)
    previous = finished["rules"]

    with patch("analytics.services.runs.run_execute_task.delay"):
        response = client.post(reverse("analytics:run-again", kwargs={"pk": previous.pk}))

    again = Run.objects.latest("pk")
    assert response["Location"] == again.get_absolute_url() and again.pk != previous.pk
    assert again.params == previous.params and again.kind == previous.kind
    assert client.get(reverse("analytics:run-again", kwargs={"pk": previous.pk})).status_code == 405


def test_run_now_in_process_without_a_broker_finishes_before_the_page_returns(client, administrator, rep):
    # given: the tests' settings run tasks in-process, as a checkout without a broker does
    product = ProductFactory(sku="INPROC-1")
    for n in range(12):
        sale(CustomerFactory(owner=rep), datetime(2024, 1, 1 + n, tzinfo=UTC), [(product, 1 + n, "3.00")])
    client.force_login(administrator)

    with patch("analytics.services.runs.transaction.on_commit", side_effect=lambda callback: callback()):
        response = client.post(create_url("segments"), {"k_min": "2", "k_max": "3"}, follow=True)

    run = Run.objects.get()
    assert run.status == Run.Status.SUCCEEDED and run.requested_by == administrator
    assert "segments, chosen by the silhouette" in page_text(response)
