"""Reminders: the owner of each open task is told once when it falls due, in the app and by email, in their
language and time zone, however often the job runs."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import Notification, Profile
from sales.models import Task
from sales.services.tasks import task_complete, task_delete, task_reminders_send, task_update
from sales.tasks import task_reminders_send_task
from tests.factories.sales import OpportunityFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _due(customer, minutes_ago: int, **fields) -> Task:
    return TaskFactory(customer=customer, due_at=NOW - timedelta(minutes=minutes_ago), **fields)


def test_a_due_task_is_reminded_once_however_often_the_job_runs(rep, customer, django_capture_on_commit_callbacks):
    # given: a task due a minute ago and one due tomorrow
    task = _due(customer, 1, subject="Call Acme about the renewal")
    TaskFactory(customer=customer, subject="Not yet")

    # when: the job runs three times
    with django_capture_on_commit_callbacks(execute=True):
        sent = [task_reminders_send(now=NOW) for _ in range(3)]

    # then
    assert sent == [1, 0, 0]
    note = Notification.objects.get()
    assert note.recipient == rep and note.kind == "task_due"
    assert note.title == "Task due: Call Acme about the renewal" and note.url == task.get_absolute_url()
    assert "Customer: Acme Logistics Ltd" in note.body
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [rep.email]
    assert Task.objects.get(pk=task.pk).reminded_at == NOW
    assert Profile.objects.get(user=rep).unread_notifications == 1


def test_done_recycled_and_future_tasks_are_not_reminded(rep, customer):
    done = _due(customer, 10)
    task_complete(task=done, by=rep)
    task_delete(task=_due(customer, 10), by=rep)
    TaskFactory(customer=customer, due_at=NOW + timedelta(minutes=1))

    assert task_reminders_send(now=NOW) == 0
    assert not Notification.objects.exists()


def test_moving_the_due_time_later_sends_the_reminder_again_at_the_new_time(rep, customer):
    task = _due(customer, 5)
    assert task_reminders_send(now=NOW) == 1

    task_update(task=Task.objects.get(pk=task.pk), by=rep, due_at=timezone.now() + timedelta(hours=1))

    assert task_reminders_send(now=NOW) == 0  # not due any more
    assert task_reminders_send(now=timezone.now() + timedelta(hours=2)) == 1
    assert Notification.objects.filter(kind="task_due").count() == 2


def test_the_reminder_is_in_the_owners_language_and_time_zone(rep, customer):
    Profile.objects.update_or_create(user=rep, defaults={"language": "zh-hans", "time_zone": "Asia/Shanghai"})
    rep.refresh_from_db()
    due = datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("UTC"))
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    TaskFactory(customer=customer, opportunity=opportunity, subject="Call Acme", due_at=due, priority="high")

    task_reminders_send(now=due + timedelta(minutes=1))

    note = Notification.objects.get()
    assert "Call Acme" in note.title
    assert "2026年3月1日 17:30" in note.body  # 09:30 UTC, in Shanghai, as Chinese pages write it
    assert "Fleet renewal" in note.body and "Acme Logistics Ltd" in note.body


def test_the_reminder_in_english_shows_the_site_zone(rep, customer):
    TaskFactory(customer=customer, subject="Call Acme", due_at=datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("UTC")))

    task_reminders_send(now=datetime(2026, 3, 1, 9, 31, tzinfo=ZoneInfo("UTC")))

    assert "Due 1 Mar 2026, 09:30." in Notification.objects.get().body


def test_the_celery_task_calls_the_service_and_is_scheduled_every_minute(rep, customer):
    _due(customer, 3)

    result = task_reminders_send_task.apply()

    assert result.get() == 1 and Notification.objects.count() == 1
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "sales.send_task_reminders")
    assert entry["schedule"] == crontab()  # every minute
