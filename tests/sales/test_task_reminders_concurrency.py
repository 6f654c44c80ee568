"""Two reminder jobs running at the same moment (two beat ticks taken by two workers), each on its own database
connection with committed data: each due task is claimed by one of them only, so its owner gets one notification
and one email. Only meaningful where rows are locked (MariaDB/MySQL); SQLite locks the whole database."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import Notification, Profile
from sales.models import Task
from sales.services.tasks import task_reminders_send
from tests.factories.customers import CustomerFactory
from tests.factories.sales_tasks import TaskFactory
from tests.sales.test_orders_concurrency import _race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="row locks are what is tested: MariaDB/MySQL only"),
]


def test_two_jobs_at_the_same_moment_remind_each_task_once(rep, teammate):
    # given: 40 tasks of two owners, all due
    now = timezone.now()
    customers = [CustomerFactory(owner=rep), CustomerFactory(owner=teammate)]
    tasks = [
        TaskFactory(customer=customers[i % 2], due_at=now - timedelta(minutes=i), subject=f"Task {i:02d}")
        for i in range(40)
    ]

    # when: two jobs start together, each on its own connection, reading small batches so that they interleave
    results = _race(lambda i: task_reminders_send(now=now, batch_size=5))

    # then: between them they sent 40 reminders, one per task, each mailed once
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 40
    by_task = Counter(Notification.objects.filter(kind="task_due").values_list("url", flat=True))
    assert by_task == Counter({task.get_absolute_url(): 1 for task in tasks})
    assert len(mail.outbox) == 40
    assert Counter(m.subject for m in mail.outbox) == Counter(f"Task due: {task.subject}" for task in tasks)
    assert Profile.objects.get(user=rep).unread_notifications == 20
    assert not Task.objects.filter(reminded_at__isnull=True).exists()


def test_a_second_run_after_a_race_sends_nothing(rep):
    now = timezone.now()
    TaskFactory(customer=CustomerFactory(owner=rep), due_at=now - timedelta(minutes=1))

    first = _race(lambda i: task_reminders_send(now=now))
    again = task_reminders_send(now=now + timedelta(minutes=1))

    assert sorted(first) == [0, 1] and again == 0
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
