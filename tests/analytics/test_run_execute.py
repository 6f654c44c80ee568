"""Executing a run: each kind end to end on a small history whose figures can be counted again from the orders; a
run is computed once however often it is delivered; its results are written all at once or not at all."""

from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import Count

from analytics.models import (
    AssociationRule,
    CalibrationBin,
    CustomerSegment,
    ForecastPoint,
    ForecastQuality,
    ModelQuality,
    Run,
    Score,
    SegmentProfile,
    SilhouetteScore,
)
from analytics.services import run_create, run_execute, runs_recover
from analytics.services.runs import _lock_name
from sales.models import Order, OrderLine
from tests.analytics._history import END, pipeline_history, sales_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(rep):
    return sales_history(owner=rep)


@pytest.fixture
def queued(manager):
    """Queue a run without a broker (it stays queued until the test executes it)."""

    def queue(kind: str, **kwargs) -> Run:
        with patch("analytics.services.runs.run_execute_task.delay"):
            run, _created = run_create(kind=kind, by=manager, time_zone="UTC", **kwargs)
        return run

    return queue


def executed(run: Run) -> Run:
    run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    return run


def test_segments_put_every_buying_customer_in_one_named_segment(history, queued):
    run = executed(queued("segments"))

    segments = list(SegmentProfile.objects.filter(run=run))
    members = CustomerSegment.objects.filter(run=run)
    quality = ModelQuality.objects.get(run=run)
    assert run.as_of.date() == (Order.objects.latest("ordered_at").ordered_at + timedelta(days=1)).date()
    assert members.count() == run.results == len(history["customers"]) == run.subjects
    assert 4 <= quality.k == len(segments) <= 8
    assert len({segment.label for segment in segments}) == len(segments)
    assert sum(segment.customers for segment in segments) == members.count()
    assert sum(segment.revenue_share for segment in segments) == pytest.approx(1)
    assert quality.silhouette == max(SilhouetteScore.objects.filter(run=run).values_list("silhouette", flat=True))
    # each profile's figures are the means of its members
    for segment in segments:
        mine = members.filter(segment=segment)
        assert mine.count() == segment.customers
        assert segment.frequency == pytest.approx(sum(m.frequency for m in mine) / segment.customers)
    # and frequency is the customer's orders, counted again
    member = members.first()
    assert member.frequency == Order.objects.filter(customer_id=member.customer_id).count()
    assert run.rows_read == OrderLine.objects.count()


def test_rules_measure_products_bought_together_as_counted_in_the_orders(history, queued):
    product_a, product_b = history["products"][:2]
    run = executed(queued("rules", params={"min_support": "0.1", "max_len": "2"}))

    rule = next(
        r
        for r in AssociationRule.objects.filter(run=run).prefetch_related("items")
        if [(i.side, i.product_id) for i in r.items.all()] == [("a", product_a.pk), ("c", product_b.pk)]
    )
    baskets = Order.objects.count()
    with_a = Order.objects.filter(lines__product=product_a).distinct().count()
    with_both = Order.objects.filter(lines__product=product_a).filter(lines__product=product_b).distinct().count()
    with_b = Order.objects.filter(lines__product=product_b).distinct().count()
    assert run.subjects == baskets
    assert rule.support == pytest.approx(with_both / baskets)
    assert rule.confidence == pytest.approx(with_both / with_a)
    assert rule.lift == pytest.approx((with_both / with_a) / (with_b / baskets))
    assert ModelQuality.objects.get(run=run).baskets == baskets


def test_forecast_models_complete_weeks_and_compares_the_backtest_with_the_seasonal_naive_one(history, queued):
    # a Thursday to a Wednesday: neither the first nor the last week is whole
    run = executed(
        queued(
            "forecast",
            params={"freq": "W", "horizon": "4", "backtest": "6"},
            since=date(2022, 12, 1),
            until=date(2023, 12, 27),
        )
    )

    series = ForecastQuality.objects.get(run=run)
    history_points = ForecastPoint.objects.filter(run=run, kind=ForecastPoint.Kind.HISTORY).order_by("period")
    first, last = history_points.first().period, history_points.last().period
    # the first week began before the first order and the last one ends after the data: both left out
    assert (series.dropped_first, first) == (date(2022, 11, 28), date(2022, 12, 5))
    assert (last, series.dropped_last) == (date(2023, 12, 18), date(2023, 12, 25))
    assert all(point.period.weekday() == 0 for point in history_points)
    week_end = datetime.combine(last + timedelta(days=7), datetime.min.time(), tzinfo=UTC)
    week_start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    revenue = sum(
        float(line.quantity * line.unit_price)
        for line in OrderLine.objects.filter(order__ordered_at__gte=week_start, order__ordered_at__lt=week_end)
    )
    assert sum(point.value for point in history_points) == pytest.approx(revenue)
    assert ForecastPoint.objects.filter(run=run, kind=ForecastPoint.Kind.FORECAST).count() == 4
    assert (
        ForecastPoint.objects.filter(run=run, kind=ForecastPoint.Kind.BACKTEST).count() == series.backtest_points == 6
    )
    assert series.beats_baseline == (series.mae < series.naive_mae)
    forecast = ForecastPoint.objects.filter(run=run, kind=ForecastPoint.Kind.FORECAST).first()
    assert forecast.lower_95 <= forecast.lower_80 <= forecast.value <= forecast.upper_80 <= forecast.upper_95


def test_churn_risk_scores_every_customer_and_measures_itself_on_a_later_window(history, queued):
    run = executed(queued("churn_risk", params={"window_days": "60"}, until=END.date()))

    quality = ModelQuality.objects.get(run=run)
    scores = Score.objects.filter(run=run)
    assert run.as_of == datetime(2024, 1, 2, tzinfo=UTC)
    assert quality.test_cutoff == run.as_of - timedelta(days=60)
    assert quality.train_cutoff == run.as_of - timedelta(days=120)
    assert scores.count() == Order.objects.values("customer").distinct().count()
    assert all(0 <= value <= 1 for value in scores.values_list("value", flat=True))
    assert quality.auc is not None and 0 <= quality.brier <= 1
    assert sum(CalibrationBin.objects.filter(run=run).values_list("rows", flat=True)) == quality.test_rows
    assert all(score.factors and score.kind == "churn_risk" for score in scores)


def test_customer_value_predicts_revenue_never_below_zero(history, queued):
    run = executed(queued("customer_value", params={"period_days": "60"}))

    quality = ModelQuality.objects.get(run=run)
    assert Score.objects.filter(run=run).count() == run.subjects > 0
    assert min(Score.objects.filter(run=run).values_list("value", flat=True)) >= 0
    assert quality.mae is not None and quality.baseline_mae is not None and quality.auc is None


def test_win_probability_learns_from_closed_opportunities_and_scores_the_open_ones(rep, queued):
    opportunities = pipeline_history(owner=rep, closed=40, open_=6)

    run = executed(queued("win_score"))

    scored = set(Score.objects.filter(run=run).values_list("opportunity_id", flat=True))
    assert scored == {o.pk for o in opportunities if o.closed_at is None}
    quality = ModelQuality.objects.get(run=run)
    assert quality.train_rows == 30 and quality.test_rows == 10
    assert Score.objects.filter(run=run, customer__isnull=False).count() == 0


def test_a_run_that_finished_is_not_computed_again(history, queued):
    run = executed(queued("segments"))
    before = list(CustomerSegment.objects.filter(run=run).values_list("pk", flat=True))

    with patch("analytics.services.compute.compute") as compute:
        run_execute(run_id=run.pk)

    compute.assert_not_called()
    run.refresh_from_db()
    assert run.attempts == 1
    assert list(CustomerSegment.objects.filter(run=run).values_list("pk", flat=True)) == before


@pytest.mark.skipif(connection.vendor != "mysql", reason="named locks are MariaDB/MySQL's")
def test_a_run_another_worker_holds_is_left_to_it(history, queued):
    # given: another connection (another worker) holds the run's lock
    run = queued("segments")
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, 0)", [_lock_name(run.pk)])
    try:
        # when
        run_execute(run_id=run.pk)
    finally:
        other.close()
    # then: untouched, still queued for the holder
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED and run.attempts == 0


def test_a_run_whose_worker_died_is_taken_over(history, queued):
    # given: an attempt that started and left no worker behind (its lock went with its connection)
    run = queued("segments")
    Run.objects.filter(pk=run.pk).update(
        status=Run.Status.RUNNING, attempts=1, started_at=END - timedelta(days=1), progress=40
    )

    run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED and run.attempts == 2


def test_a_run_started_too_often_is_failed(history, queued, settings):
    run = queued("segments")
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING, attempts=settings.ANALYTICS_RUN_MAX_ATTEMPTS)

    run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and "worker stopped each time" in run.error
    assert run.active_key is None


def test_a_failure_while_writing_leaves_the_earlier_results_and_fails_the_run(history, queued):
    # given: a run whose earlier attempt left results (segments and their members)
    run = executed(queued("segments"))
    Run.objects.filter(pk=run.pk).update(
        status=Run.Status.RUNNING, active_key="x" * 64, started_at=END - timedelta(days=1)
    )
    old_members = set(CustomerSegment.objects.filter(run=run).values_list("pk", flat=True))
    old_profiles = set(SegmentProfile.objects.filter(run=run).values_list("pk", flat=True))

    # when: writing the new results breaks half way (the profiles are written, the members are not)
    with patch.object(CustomerSegment.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        run_execute(run_id=run.pk)

    # then: the run failed with the reason, and its results are the earlier ones, whole
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and "RuntimeError: disk full" in run.error
    assert set(CustomerSegment.objects.filter(run=run).values_list("pk", flat=True)) == old_members
    assert set(SegmentProfile.objects.filter(run=run).values_list("pk", flat=True)) == old_profiles
    assert run.active_key is None


def test_data_the_algorithm_cannot_use_fails_the_run_with_its_message(history, queued):
    run = queued("forecast", params={"freq": "M", "backtest": "12"})

    run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert "periods; at least 22 are needed (10 to fit plus 12 to backtest)" in run.error
    assert not ForecastPoint.objects.filter(run=run).exists()


def test_a_transient_database_error_puts_the_run_back_in_the_queue_for_the_retry(history, queued):
    run = queued("segments")

    with (
        patch("analytics.services.compute.compute", side_effect=OperationalError(2013, "Lost connection")),
        pytest.raises(OperationalError),
    ):
        run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED and run.attempts == 1 and run.active_key


@pytest.fixture
def errors_not_raised():
    """In-process tasks report a failure in their result instead of raising it (retries then run at once)."""
    from crm.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def test_the_task_retries_a_transient_error_then_marks_the_run_failed(history, queued, errors_not_raised):
    from analytics.tasks import run_execute_task

    # given: the database keeps dropping the connection
    run = queued("segments")

    # when
    with patch("analytics.services.compute.compute", side_effect=OperationalError(2006, "Gone away")):
        result = run_execute_task.apply(kwargs={"run_id": run.pk})

    run.refresh_from_db()
    # then: tried once and retried three times, then failed with the reason
    assert result.failed()
    assert run.status == Run.Status.FAILED and "Gone away" in run.error and run.attempts == 4


def test_recovery_requeues_a_running_run_no_worker_holds_and_resends_a_stale_queued_one(history, queued):
    running, waiting = queued("segments"), queued("rules")
    long_ago = END - timedelta(days=1)
    Run.objects.filter(pk=running.pk).update(
        status=Run.Status.RUNNING, attempts=1, started_at=long_ago, updated_at=long_ago
    )
    Run.objects.filter(pk=waiting.pk).update(updated_at=long_ago)

    with patch("analytics.services.runs.run_execute_task.delay") as delay:
        counts = runs_recover(now=datetime.now(tz=UTC))

    running.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 0, "resent": 1}
    assert running.status == Run.Status.QUEUED
    assert {call.kwargs["run_id"] for call in delay.call_args_list} >= {waiting.pk}


def test_an_explicit_end_date_is_the_data_as_of_time(history, queued):
    run = executed(queued("segments", until=date(2023, 12, 1), since=date(2023, 6, 1)))

    assert run.as_of == datetime(2023, 12, 2, tzinfo=UTC)
    assert CustomerSegment.objects.filter(run=run).aggregate(n=Count("id"))["n"] == run.results
