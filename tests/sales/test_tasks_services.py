"""The task services: reach on the task and on what it is about, owners, the customer following the opportunity,
the version check, done and reopened, the recycle bin and history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from records.models import Deletion
from records.services import deletion_restore
from records.versioning import StaleVersionError
from sales.models import Task
from sales.services.opportunities import opportunity_delete
from sales.services.tasks import task_complete, task_create, task_delete, task_reopen, task_update
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.now() + timedelta(days=1)


def test_create_about_an_opportunity_takes_its_customer_and_the_creator_as_owner(rep, customer):
    # given: an opportunity of the rep's customer, and another of the rep's customers named by mistake
    opportunity = OpportunityFactory(customer=customer)
    other = CustomerFactory(owner=rep)

    # when
    task = task_create(by=rep, subject="  Send the proposal ", due_at=TOMORROW, opportunity=opportunity, customer=other)

    # then
    assert task.customer == customer and task.opportunity == opportunity
    assert task.owner == rep and task.subject == "Send the proposal"
    assert task.done_at is None and task.reminded_at is None
    assert task.history.get().history_user == rep


def test_create_about_another_owners_customer_is_refused(rep, foreign_customer):
    with pytest.raises(ValidationError) as caught:
        task_create(by=rep, subject="Poach", due_at=TOMORROW, customer=foreign_customer)

    assert "customer" in caught.value.error_dict
    assert not Task.objects.exists()


def test_create_about_another_owners_opportunity_is_refused(rep, foreign_customer):
    opportunity = OpportunityFactory(customer=foreign_customer)

    with pytest.raises(ValidationError) as caught:
        task_create(by=rep, subject="Poach", due_at=TOMORROW, opportunity=opportunity)

    assert "opportunity" in caught.value.error_dict
    assert not Task.objects.exists()


def test_create_for_an_owner_outside_reach_is_refused_but_a_manager_assigns_to_the_team(
    rep, teammate, manager, customer
):
    with pytest.raises(ValidationError) as caught:
        task_create(by=rep, subject="Hand over", due_at=TOMORROW, owner=teammate)
    assert "owner" in caught.value.error_dict

    task = task_create(by=manager, subject="Call Acme", due_at=TOMORROW, owner=teammate, customer=customer)

    assert task.owner == teammate


def test_create_needs_a_subject(rep):
    with pytest.raises(ValidationError) as caught:
        task_create(by=rep, subject="   ", due_at=TOMORROW)

    assert "subject" in caught.value.error_dict
    assert not Task.objects.exists()


def test_update_of_another_owners_task_is_refused(rep, outsider, foreign_customer):
    task = TaskFactory(customer=foreign_customer)

    with pytest.raises(PermissionDenied):
        task_update(task=task, by=rep, subject="Mine now", expected_version=1)

    task.refresh_from_db()
    assert task.subject != "Mine now" and task.version == 1


def test_update_with_a_stale_version_is_refused(rep, customer):
    task = TaskFactory(customer=customer)
    task_update(task=Task.objects.get(pk=task.pk), by=rep, subject="First edit", expected_version=1)

    with pytest.raises(StaleVersionError):
        task_update(task=task, by=rep, subject="Second edit from an old page", expected_version=1)

    assert Task.objects.get(pk=task.pk).subject == "First edit"


def test_update_moving_to_another_owners_customer_is_refused(rep, customer, foreign_customer):
    task = TaskFactory(customer=customer)

    with pytest.raises(ValidationError) as caught:
        task_update(task=task, by=rep, customer=foreign_customer, expected_version=1)

    assert "customer" in caught.value.error_dict
    assert Task.objects.get(pk=task.pk).customer == customer


def test_update_from_a_copy_read_before_the_reminder_keeps_it_sent(rep, customer):
    # given: a page opened before the task was reminded (the job changes no version)
    task = TaskFactory(customer=customer, due_at=timezone.now() - timedelta(minutes=5))
    page_copy = Task.objects.get(pk=task.pk)
    Task.objects.filter(pk=task.pk).update(reminded_at=timezone.now())

    # when: the notes are saved from that page
    task_update(task=page_copy, by=rep, notes="Left a voicemail", expected_version=1)

    # then: the reminder stays sent (not sent a second time)
    assert Task.objects.get(pk=task.pk).reminded_at is not None


def test_moving_the_due_time_later_arms_the_reminder_again(rep, customer):
    task = TaskFactory(customer=customer, due_at=timezone.now() - timedelta(minutes=5))
    Task.objects.filter(pk=task.pk).update(reminded_at=timezone.now())

    task_update(task=Task.objects.get(pk=task.pk), by=rep, due_at=timezone.now() + timedelta(hours=2))

    assert Task.objects.get(pk=task.pk).reminded_at is None


def test_complete_and_reopen_record_who_and_raise_the_version(rep, manager, customer):
    task = TaskFactory(customer=customer)

    done = task_complete(task=task, by=manager, expected_version=1)

    done.refresh_from_db()
    assert done.done_at is not None and done.done_by == manager and done.version == 2
    assert task_complete(task=done, by=rep).version == 2  # already done: nothing changes

    reopened = task_reopen(task=done, by=rep, expected_version=2)

    reopened.refresh_from_db()
    assert reopened.done_at is None and reopened.done_by is None and reopened.version == 3
    assert reopened.history.count() == 3


def test_complete_of_another_owners_task_is_refused(rep, foreign_customer):
    task = TaskFactory(customer=foreign_customer)

    with pytest.raises(PermissionDenied):
        task_complete(task=task, by=rep)

    assert Task.objects.get(pk=task.pk).done_at is None


def test_delete_moves_the_task_to_the_recycle_bin(rep, customer):
    task = TaskFactory(customer=customer)

    entry = task_delete(task=task, by=rep)

    assert not Task.objects.filter(pk=task.pk).exists()
    assert Task.all_objects.get(pk=task.pk).deletion == entry
    assert Deletion.objects.get().label == task.subject


def test_deleting_an_opportunity_takes_its_tasks_and_restoring_brings_them_back(rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    task = TaskFactory(customer=customer, opportunity=opportunity)

    entry = opportunity_delete(opportunity=opportunity, by=rep)

    assert not Task.objects.filter(pk=task.pk).exists()
    deletion_restore(deletion=entry, by=rep)
    assert Task.objects.filter(pk=task.pk).exists()
