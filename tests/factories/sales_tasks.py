from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from sales.models import Task
from tests.factories.customers import CustomerFactory


class TaskFactory(DjangoModelFactory):
    """An open task about a customer, owned by the customer's owner, due tomorrow."""

    class Meta:
        model = Task

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda t: t.customer.owner if t.customer else None)
    subject = factory.Sequence(lambda n: f"Call back {n:05d}")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    priority = Task.Priority.NORMAL
