"""Queueing a run: its parameters and filters are checked before anything is queued, the same question asked twice
while it is queued gives one run, and the task is sent only once the run is committed."""

import threading
from datetime import UTC, date, datetime
from unittest.mock import patch

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from analytics.models import CustomerSegment, Run, SegmentProfile
from analytics.services import run_create
from tests.analytics._history import sale
from tests.factories.customers import CustomerFactory
from tests.factories.sales import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(rep):
    product = ProductFactory(sku="CREATE-1")
    customer = CustomerFactory(owner=rep)
    return [sale(customer, datetime(2024, 3, day, tzinfo=UTC), [(product, 1, "10.00")]) for day in (1, 2, 3)]


@pytest.fixture
def no_broker():
    """The broker is the edge: the run stays queued and we see what would have been sent."""
    with patch("analytics.services.runs.run_execute_task.delay") as delay:
        yield delay


def test_a_run_is_queued_with_cleaned_parameters_and_sent_after_commit(
    orders, manager, no_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run, created = run_create(kind="rules", by=manager, params={"min_support": "0.2"}, country="GB")

    assert created and run.status == Run.Status.QUEUED and run.requested_by == manager
    assert run.params["min_support"] == 0.2 and run.params["algorithm"] == "apriori"
    assert run.active_key and len(callbacks) == 1
    no_broker.assert_called_once_with(run_id=run.pk)


def test_the_same_question_twice_gives_the_queued_run(orders, manager, no_broker):
    first, created = run_create(kind="rules", by=manager, params={"min_support": "0.2"})
    again, created_again = run_create(kind="rules", by=manager, params={"min_support": 0.2})
    other, created_other = run_create(kind="rules", by=manager, params={"min_support": 0.3})

    assert created and not created_again and created_other
    assert again.pk == first.pk != other.pk
    assert Run.objects.count() == 2


def test_a_finished_run_does_not_stop_the_same_question_being_asked_again(orders, manager, no_broker):
    first, _ = run_create(kind="rules", by=manager)
    Run.objects.filter(pk=first.pk).update(status=Run.Status.SUCCEEDED, active_key=None)

    second, created = run_create(kind="rules", by=manager)

    assert created and second.pk != first.pk


# serialized_rollback: the test commits, and empties every table when it ends; this puts back what the migrations
# wrote (the pipeline's stages, the role groups) for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_at_the_same_moment_queue_one_run(orders, manager, no_broker):
    # given: two threads asking for the same run at once, each on its own database connection
    barrier = threading.Barrier(2)
    results, errors = [], []

    def ask():
        try:
            barrier.wait()
            results.append(run_create(kind="segments", by=manager))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: one run, given to both
    assert errors == []
    assert Run.objects.count() == 1
    assert {run.pk for run, _created in results} == {Run.objects.get().pk}
    assert sorted(created for _run, created in results) == [False, True]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "rules", "params": {"min_support": 0}}, "min_support", "min_support must be greater than 0"),
        ({"kind": "forecast", "params": {"horizon": 0}}, "horizon", "horizon must be at least 1; got 0."),
        (
            {"kind": "segments", "since": date(2024, 3, 5), "until": date(2024, 3, 1)},
            "until",
            "The date range is empty: it ends on 2024-03-01, before it starts on 2024-03-05.",
        ),
        ({"kind": "segments", "country": "JP"}, "__all__", "No sales orders match these filters (country Japan)."),
        ({"kind": "win_score"}, "__all__", "There are no opportunities to analyse yet."),
        ({"kind": "rules", "params": {"exclude": "NOPE-1"}}, "exclude", "No product has the SKU NOPE-1."),
        ({"kind": "churn"}, "kind", "Unknown kind “churn”"),
    ],
)
def test_bad_parameters_and_filters_queue_nothing(orders, manager, no_broker, kwargs, field, message):
    with pytest.raises(ValidationError) as caught:
        run_create(by=manager, **kwargs)

    assert message in " ".join(caught.value.message_dict[field])
    assert Run.objects.count() == 0
    no_broker.assert_not_called()


def test_a_segment_with_no_orders_in_the_range_is_refused_by_name(orders, manager, no_broker):
    # given: a segment whose only customer has no order in April
    run = Run.objects.create(kind=Run.Kind.SEGMENTS, status=Run.Status.SUCCEEDED)
    segment = SegmentProfile.objects.create(
        run=run,
        position=0,
        label="at_risk",
        customers=1,
        customer_share=1,
        revenue=10,
        revenue_share=1,
        recency_days=5,
        frequency=3,
        monetary=30,
    )
    CustomerSegment.objects.create(
        run=run, customer=orders[0].customer, segment=segment, recency_days=5, frequency=3, monetary=30
    )

    with pytest.raises(ValidationError) as caught:
        run_create(kind="churn_risk", by=manager, segment=segment, since=date(2024, 4, 1))

    assert "The segment “At risk” has no sales orders matching these filters" in caught.value.message_dict["segment"][0]
    assert run_create(kind="churn_risk", by=manager, segment=segment)[1]  # with its orders it is queued


def test_a_team_or_owner_outside_the_users_reach_is_refused(orders, manager, outsider, no_broker):
    south = outsider.teams.get()

    with pytest.raises(PermissionDenied):
        run_create(kind="rules", by=manager, team=south)
    with pytest.raises(PermissionDenied):
        run_create(kind="rules", by=manager, owner=outsider)
    assert Run.objects.count() == 0
