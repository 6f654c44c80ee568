"""The back office lists, saves and deletes tasks exactly as the pages do: within the user's reach, through the
task services (a customer that follows the opportunity, the version check, the recycle bin)."""

import pytest
from django.urls import reverse

from records.models import Deletion
from sales.models import Task
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


def _form(**fields):
    data = {
        "subject": "Call the buyer",
        "notes": "",
        "due_at_0": "2026-12-10",
        "due_at_1": "09:00:00",
        "priority": "normal",
        "customer": "",
        "opportunity": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def test_admin_lists_only_tasks_within_reach(client, staff_manager, customer, foreign_customer):
    TaskFactory(customer=customer, subject="Rita's call")
    TaskFactory(customer=foreign_customer, subject="Otto's call")
    client.force_login(staff_manager)

    html = client.get(reverse("admin:sales_task_changelist")).content.decode()

    assert "Rita&#x27;s call" in html and "Otto" not in html


def test_admin_creates_through_the_service_and_the_customer_follows_the_opportunity(
    client, staff_manager, rep, customer
):
    opportunity = OpportunityFactory(customer=customer)
    other = CustomerFactory(owner=rep)
    client.force_login(staff_manager)

    response = client.post(
        reverse("admin:sales_task_add"), _form(owner=rep.pk, opportunity=opportunity.pk, customer=other.pk)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    task = Task.objects.get()
    assert task.customer == customer and task.owner == rep
    assert task.history.get().history_user == staff_manager


def test_admin_refuses_a_stale_edit_and_another_teams_customer(client, staff_manager, rep, customer, foreign_customer):
    task = TaskFactory(customer=customer, subject="Call Acme")
    Task.objects.filter(pk=task.pk).update(version=2)
    client.force_login(staff_manager)
    url = reverse("admin:sales_task_change", args=[task.pk])

    stale = client.post(url, _form(owner=rep.pk, customer=customer.pk, subject="Overwritten", seen_version=1))
    foreign = client.post(url, _form(owner=rep.pk, customer=foreign_customer.pk, seen_version=2))

    assert stale.status_code == 200 and "Someone else changed this record" in stale.content.decode()
    assert foreign.status_code == 200
    task.refresh_from_db()
    assert task.subject == "Call Acme" and task.customer == customer and task.version == 2


def test_admin_delete_goes_to_the_recycle_bin(client, staff_manager, customer):
    task = TaskFactory(customer=customer)
    client.force_login(staff_manager)

    response = client.post(reverse("admin:sales_task_delete", args=[task.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert Task.all_objects.get(pk=task.pk).deletion == Deletion.objects.get()
