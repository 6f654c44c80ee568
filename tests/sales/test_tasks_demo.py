"""Demo tasks and quotas: each salesperson's day has overdue, today's, coming and done tasks about their own
records, past-due ones count as reminded, reps get quotas, and a second run adds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sales.demo import quotas_seed, tasks_seed
from sales.models import Quota, Task
from sales.services.tasks import task_reminders_send
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_seeding_gives_each_salesperson_a_believable_day(rep, manager, outsider):
    # given
    for _ in range(5):
        OpportunityFactory(customer=CustomerFactory(owner=rep))
    CustomerFactory(owner=manager)
    now = timezone.now()

    # when
    created = tasks_seed(seed=3, now=now)

    # then: the rep and the manager have tasks; the outsider, with no customers, has none
    assert created == Task.objects.count() == 20
    mine = Task.objects.filter(owner=rep)
    assert mine.filter(done_at__isnull=True, due_at__lt=now).exists()
    assert mine.filter(done_at__isnull=True, due_at__gte=now, due_at__lt=now + timedelta(hours=4)).exists()
    assert mine.filter(done_at__isnull=False).exists()
    assert not mine.exclude(customer__owner=rep).exists()
    assert not Task.objects.filter(owner=outsider).exists()
    assert task_reminders_send(now=now) == 0  # what was due before the demo began counts as reminded
    assert tasks_seed(seed=3, now=now) == 0


def test_quotas_for_each_rep_for_three_months_once(rep, teammate, manager):
    created = quotas_seed(seed=3)  # the manager fixture's three reps

    assert created == 9 and Quota.objects.filter(rep=rep).count() == 3
    assert not Quota.objects.filter(rep=manager).exists()
    assert quotas_seed(seed=3) == 0
