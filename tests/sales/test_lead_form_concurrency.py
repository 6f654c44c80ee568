"""Submissions of one web-to-lead form at the same moment, each on its own database connection with committed data:
the form's row lock makes them take turns, so they go to different reps, and two with the same new email make one
customer. Only meaningful where rows are locked (MariaDB/MySQL); SQLite locks the whole database."""

import pytest
from django.db import connection

from customers.models import Customer, Interaction
from sales.models import LeadForm
from sales.services.leads import LeadSubmission, lead_form_submit
from tests.factories.customers import ManagerFactory, RepFactory, TeamFactory
from tests.factories.leads import LeadFormFactory
from tests.sales.test_orders_concurrency import _race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="row locks are what is tested: MariaDB/MySQL only"),
]


@pytest.fixture
def lead_form():
    reps = [RepFactory(username=f"race.{name}") for name in ("anna", "ben", "cleo", "dora")]
    return LeadFormFactory(team=TeamFactory(name="Race", manager=ManagerFactory(username="race.boss"), members=reps))


def test_submissions_at_the_same_moment_go_to_different_reps(lead_form):
    results = _race(
        lambda i: (
            lead_form_submit(
                lead_form=LeadForm.objects.get(pk=lead_form.pk),
                submission=LeadSubmission(name=f"Visitor {i}", email=f"visitor{i}@example.org"),
            ).assignee.username
        ),
        count=4,
    )

    assert sorted(map(str, results)) == ["race.anna", "race.ben", "race.cleo", "race.dora"], results
    assert sorted(Customer.objects.values_list("owner__username", flat=True)) == sorted(results)


def test_the_same_new_email_sent_twice_at_once_makes_one_customer(lead_form):
    results = _race(
        lambda i: (
            lead_form_submit(
                lead_form=LeadForm.objects.get(pk=lead_form.pk),
                submission=LeadSubmission(name="Jane Roe", email="jane@roe.test", message=f"Try {i}"),
            ).created
        ),
    )

    assert sorted(results) == [False, True], results
    customer = Customer.objects.get()
    assert Interaction.objects.filter(customer=customer).count() == 2
