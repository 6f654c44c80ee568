"""Task pages: the list with its filters and export, the task's page, its form (times in the user's zone), the done
and reopen buttons, delete and history, the opportunity picker, and the task cards on customer and opportunity
pages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.roles import SUPPORT_AGENT
from customers.models import Customer
from records.models import AuditEntry, Deletion
from sales.models import Opportunity, Task
from sales.services.tasks import task_complete
from tests.customers._support import page_text
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales import OpportunityFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db
LIST = reverse("sales:task-list")
CREATE = reverse("sales:task-create")
NOW = timezone.now()


def _form(**changes):
    data = {"subject": "Call the buyer", "due_at": "2026-12-10T09:00", "priority": "normal", "notes": ""}
    data.update(changes)
    return data


def _rows(response) -> list[str]:
    import re

    return re.findall(
        r'class="fw-semibold text-decoration-none task-subject" href="[^"]+">([^<]*)<', page_text(response)
    )


# The list ---------------------------------------------------------------------------------------------------------


def test_list_shows_own_open_tasks_soonest_first(client, rep, customer, foreign_customer):
    # given: open tasks of the rep, a done one, and another owner's
    TaskFactory(customer=customer, subject="Later", due_at=NOW + timedelta(days=3))
    TaskFactory(customer=customer, subject="Sooner", due_at=NOW + timedelta(hours=2))
    task_complete(task=TaskFactory(customer=customer, subject="Finished"), by=rep)
    TaskFactory(customer=foreign_customer, subject="Not mine")
    client.force_login(rep)

    # when
    response = client.get(LIST)

    # then
    assert response.status_code == 200
    assert _rows(response) == ["Sooner", "Later"]
    html = page_text(response)
    assert "2 tasks" in html and "Acme Logistics Ltd" in html
    assert 'name="owner"' not in html and 'name="whose"' not in html  # a rep sees only their own


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("overdue", ["Yesterday's call"]),
        ("today", ["Later today"]),
        ("done", ["Finished"]),
        ("all", ["Yesterday's call", "Later today", "Finished", "Next week"]),
        ("open", ["Yesterday's call", "Later today", "Next week"]),
    ],
)
def test_status_filter(client, rep, customer, status, expected):
    Profile.objects.update_or_create(user=rep, defaults={"time_zone": "UTC"})
    rep.refresh_from_db()
    start_of_day = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    TaskFactory(customer=customer, subject="Yesterday's call", due_at=start_of_day - timedelta(hours=2))
    TaskFactory(customer=customer, subject="Later today", due_at=start_of_day + timedelta(hours=23, minutes=59))
    TaskFactory(customer=customer, subject="Next week", due_at=start_of_day + timedelta(days=7))
    task_complete(
        task=TaskFactory(customer=customer, subject="Finished", due_at=start_of_day + timedelta(days=2)), by=rep
    )
    client.force_login(rep)

    assert _rows(client.get(LIST, {"status": status})) == expected


def test_search_priority_and_due_range_filters(client, rep, customer):
    TaskFactory(
        customer=customer, subject="Call Acme", priority="high", due_at=datetime(2026, 5, 4, 10, tzinfo=ZoneInfo("UTC"))
    )
    TaskFactory(customer=customer, subject="Email Acme", due_at=datetime(2026, 5, 20, 10, tzinfo=ZoneInfo("UTC")))
    TaskFactory(customer=customer, subject="Call Zenith", due_at=datetime(2026, 6, 2, 10, tzinfo=ZoneInfo("UTC")))
    client.force_login(rep)

    assert _rows(client.get(LIST, {"q": "call"})) == ["Call Acme", "Call Zenith"]
    assert _rows(client.get(LIST, {"priority": "high"})) == ["Call Acme"]
    assert _rows(client.get(LIST, {"due_from": "2026-05-04", "due_to": "2026-05-31"})) == ["Call Acme", "Email Acme"]
    assert _rows(client.get(LIST, {"sort": "-due"})) == ["Call Zenith", "Email Acme", "Call Acme"]


def test_a_due_range_ending_before_it_starts_shows_the_error_and_no_rows(client, rep, customer):
    TaskFactory(customer=customer, subject="Call Acme")
    client.force_login(rep)

    response = client.get(LIST, {"due_from": "2026-05-31", "due_to": "2026-05-01"})

    html = page_text(response)
    assert "The end date is before the start date." in html and _rows(response) == []


def test_manager_filters_by_owner_and_by_their_own_tasks(client, manager, rep, teammate, customer):
    TaskFactory(customer=customer, subject="Rita's task")
    TaskFactory(customer=CustomerFactory(owner=teammate), subject="Tom's task")
    TaskFactory(customer=CustomerFactory(owner=manager), subject="Mona's task")
    client.force_login(manager)

    assert sorted(_rows(client.get(LIST))) == ["Mona's task", "Rita's task", "Tom's task"]
    assert _rows(client.get(LIST, {"owner": teammate.pk})) == ["Tom's task"]
    assert _rows(client.get(LIST, {"whose": "mine"})) == ["Mona's task"]


def test_list_from_a_customer_page_names_the_customer(client, rep, customer):
    TaskFactory(customer=customer, subject="Acme's task")
    TaskFactory(customer=CustomerFactory(owner=rep, name="Blue Harbour"), subject="Harbour's task")
    client.force_login(rep)

    response = client.get(LIST, {"customer": customer.pk})

    assert _rows(response) == ["Acme's task"]
    assert "about “Acme Logistics Ltd”" in page_text(response)


def test_export_has_the_filtered_rows_in_the_users_zone_and_is_audited(client, rep, customer):
    Profile.objects.update_or_create(user=rep, defaults={"time_zone": "Asia/Shanghai"})
    rep.refresh_from_db()
    TaskFactory(
        customer=customer, subject="Call Acme", priority="high", due_at=datetime(2026, 5, 4, 1, tzinfo=ZoneInfo("UTC"))
    )
    TaskFactory(customer=customer, subject="Email Acme")
    client.force_login(rep)

    response = client.get(reverse("sales:task-export"), {"priority": "high"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Call Acme" in body and "Email Acme" not in body and "2026-05-04T09:00:00+08:00" in body
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.actor, entry.object_label, entry.detail) == (rep, "Task list", {"filter": "priority=high", "rows": 1})


def test_support_agent_may_not_open_tasks(client):
    agent = UserFactory(username="agent.one", role=SUPPORT_AGENT)
    client.force_login(agent)

    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403


# The form ---------------------------------------------------------------------------------------------------------


def test_create_from_an_opportunity_page_is_prefilled_and_goes_back(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    client.force_login(rep)
    url = f"{CREATE}?opportunity={opportunity.pk}&next={opportunity.get_absolute_url()}"

    page = page_text(client.get(url))
    response = client.post(url, _form(opportunity=opportunity.pk, owner=rep.pk))

    assert 'value="Fleet renewal · Acme Logistics Ltd"' in page and 'value="Acme Logistics Ltd"' in page
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert task.opportunity == opportunity and task.customer == customer and task.owner == rep


def test_create_from_a_customer_page_is_prefilled(client, rep, customer):
    client.force_login(rep)

    page = page_text(client.get(f"{CREATE}?customer={customer.pk}"))

    assert f'name="customer" value="{customer.pk}"' in page and 'value="Acme Logistics Ltd"' in page


def test_another_owners_customer_in_the_query_string_is_not_prefilled(client, rep, foreign_customer):
    client.force_login(rep)

    page = page_text(client.get(f"{CREATE}?customer={foreign_customer.pk}"))

    assert "Zenith Foods GmbH" not in page and f'value="{foreign_customer.pk}"' not in page


def test_the_due_time_is_read_and_shown_in_the_users_time_zone(client, rep, customer):
    Profile.objects.update_or_create(user=rep, defaults={"time_zone": "Asia/Shanghai"})
    rep.refresh_from_db()
    client.force_login(rep)

    client.post(CREATE, _form(customer=customer.pk, owner=rep.pk, due_at="2026-12-10T09:00"))

    task = Task.objects.get()
    assert task.due_at == datetime(2026, 12, 10, 1, 0, tzinfo=ZoneInfo("UTC"))
    assert "10 Dec 2026, 09:00" in page_text(client.get(task.get_absolute_url()))
    assert 'value="2026-12-10T09:00"' in page_text(client.get(reverse("sales:task-update", args=[task.pk])))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject": ""}, "subject", "This field is required."),
        ({"due_at": "next tuesday"}, "due_at", "Enter a due date and time."),
        ({"due_at": "1990-01-01T09:00"}, "due_at", "Enter a due date between 2000 and 2100."),
        ({"priority": "urgent"}, "priority", "Select a valid choice."),
        ({"customer": "999999"}, "customer", "Select a customer from the suggestions; that one is not available."),
        ({"opportunity": "x"}, "opportunity", "Select an opportunity from the suggestions; that one is not available."),
    ],
)
def test_bad_input_is_shown_and_creates_nothing(client, rep, changes, field, message):
    client.force_login(rep)

    response = client.post(CREATE, _form(owner=rep.pk, **changes))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in page_text(response)
    assert not Task.objects.exists()


def test_a_stale_edit_shows_the_conflict_and_keeps_the_saved_task(client, rep, customer):
    task = TaskFactory(customer=customer, subject="Call Acme")
    Task.objects.filter(pk=task.pk).update(subject="Call Acme today", version=2)
    client.force_login(rep)

    response = client.post(
        reverse("sales:task-update", args=[task.pk]),
        _form(subject="Call Acme tomorrow", owner=rep.pk, customer=customer.pk, version=1),
    )

    assert response.status_code == 200 and 'data-testid="version-conflict"' in page_text(response)
    assert Task.objects.get(pk=task.pk).subject == "Call Acme today"


def test_edit_changes_the_task_and_its_history_shows_it(client, rep, customer):
    task = TaskFactory(customer=customer, subject="Call Acme")
    client.force_login(rep)

    response = client.post(
        reverse("sales:task-update", args=[task.pk]),
        _form(subject="Call Acme about the renewal", owner=rep.pk, customer=customer.pk, priority="high", version=1),
    )

    assert response.status_code == 302 and response.url == task.get_absolute_url()
    history = page_text(client.get(reverse("sales:task-history", args=[task.pk])))
    assert "Call Acme about the renewal" in history and "High" in history


# Done, reopen, delete --------------------------------------------------------------------------------------------


def test_done_from_the_list_goes_back_to_the_list(client, rep, customer):
    task = TaskFactory(customer=customer, subject="Call Acme")
    client.force_login(rep)
    listing = page_text(client.get(LIST, {"priority": "normal"}))
    assert reverse("sales:task-complete", args=[task.pk]) in listing

    response = client.post(
        reverse("sales:task-complete", args=[task.pk]), {"version": 1, "next": f"{LIST}?priority=normal"}
    )

    assert response.status_code == 302 and response.url == f"{LIST}?priority=normal"
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == rep
    assert "“Call Acme” is done." in page_text(client.get(response.url))


def test_reopen_and_an_outside_next_address_goes_to_the_task(client, rep, customer):
    task = TaskFactory(customer=customer)
    task_complete(task=task, by=rep)
    client.force_login(rep)

    response = client.post(
        reverse("sales:task-reopen", args=[task.pk]), {"version": 2, "next": "https://evil.example/"}
    )

    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert Task.objects.get(pk=task.pk).done_at is None


def test_done_with_a_stale_version_says_so_and_changes_nothing(client, rep, customer):
    task = TaskFactory(customer=customer)
    Task.objects.filter(pk=task.pk).update(version=3)
    client.force_login(rep)

    response = client.post(reverse("sales:task-complete", args=[task.pk]), {"version": 1}, follow=True)

    assert "Someone else changed this task" in page_text(response)
    assert Task.objects.get(pk=task.pk).done_at is None


def test_done_is_post_only(client, rep, customer):
    task = TaskFactory(customer=customer)
    client.force_login(rep)

    assert client.get(reverse("sales:task-complete", args=[task.pk])).status_code == 405
    assert Task.objects.get(pk=task.pk).done_at is None


def test_delete_moves_it_to_the_recycle_bin(client, rep, customer):
    task = TaskFactory(customer=customer, subject="Call Acme")
    client.force_login(rep)

    response = client.post(reverse("sales:task-delete", args=[task.pk]))

    assert response.status_code == 302 and response.url == LIST
    assert not Task.objects.filter(pk=task.pk).exists() and Deletion.objects.get().label == "Call Acme"


# The detail page and the cards ------------------------------------------------------------------------------------


def test_task_page_shows_what_it_is_about_and_its_actions(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    task = TaskFactory(customer=customer, opportunity=opportunity, subject="Call Acme", notes="Ask about the fleet")
    client.force_login(rep)

    html = page_text(client.get(task.get_absolute_url()))

    assert "Call Acme" in html and "Ask about the fleet" in html
    assert opportunity.get_absolute_url() in html and customer.get_absolute_url() in html
    assert reverse("sales:task-complete", args=[task.pk]) in html and "At the due time" in html


def test_the_assignees_page_names_a_customer_they_cannot_open_without_linking_it(
    client, manager, rep, teammate, customer
):
    task = TaskFactory(customer=customer, owner=teammate, subject="Cover for Rita")
    client.force_login(teammate)

    html = page_text(client.get(task.get_absolute_url()))

    assert "Acme Logistics Ltd" in html and customer.get_absolute_url() not in html


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_opportunity_page_lists_its_open_tasks_in_one_query(client, rep, customer):
    # given: an opportunity with one open task, and another with six (and a done one)
    small, large = OpportunityFactory(customer=customer), OpportunityFactory(customer=customer)
    TaskFactory(customer=customer, opportunity=small, subject="Only task")
    for number in range(6):
        TaskFactory(
            customer=customer, opportunity=large, subject=f"Task {number}", due_at=NOW + timedelta(hours=number)
        )
    task_complete(task=TaskFactory(customer=customer, opportunity=large, subject="Finished"), by=rep)
    client.force_login(rep)
    client.get(small.get_absolute_url())

    # when
    few, many = _queries(client, small.get_absolute_url()), _queries(client, large.get_absolute_url())

    # then
    assert len(many) == len(few), "\n".join(many)
    assert len([q for q in many if "sales_task" in q]) == 1
    html = page_text(client.get(large.get_absolute_url()))
    assert "Task 0" in html and "Task 4" in html and "Task 5" not in html and "Finished" not in html
    assert f"{CREATE}?opportunity={large.pk}" in html and "All open tasks" in html


def test_customer_page_lists_its_open_tasks_in_one_query(client, rep, customer):
    other = CustomerFactory(owner=rep)
    TaskFactory(customer=other, subject="Only task")
    for number in range(4):
        TaskFactory(customer=customer, subject=f"Task {number}", opportunity=OpportunityFactory(customer=customer))
    client.force_login(rep)
    client.get(other.get_absolute_url())

    few, many = _queries(client, other.get_absolute_url()), _queries(client, customer.get_absolute_url())

    assert len(many) == len(few), "\n".join(many)
    assert len([q for q in many if "sales_task" in q]) == 1
    html = page_text(client.get(customer.get_absolute_url()))
    assert "Task 3" in html and f"{CREATE}?customer={customer.pk}" in html


def test_customer_page_shows_no_task_card_to_a_support_agent(client, customer):
    TaskFactory(customer=customer, subject="Call Acme")
    agent = UserFactory(username="agent.one", role=SUPPORT_AGENT)
    client.force_login(agent)

    html = page_text(client.get(customer.get_absolute_url()))

    assert "Acme Logistics Ltd" in html and "Call Acme" not in html and 'data-testid="task-card"' not in html


def test_done_from_the_customer_page_goes_back_to_it(client, rep, customer):
    task = TaskFactory(customer=customer)
    client.force_login(rep)
    assert reverse("sales:task-complete", args=[task.pk]) in page_text(client.get(customer.get_absolute_url()))

    response = client.post(
        reverse("sales:task-complete", args=[task.pk]), {"version": 1, "next": customer.get_absolute_url()}
    )

    assert response.url == customer.get_absolute_url()


# The opportunity picker and the sub-navigation ---------------------------------------------------------------------


def test_opportunity_picker_suggests_only_opportunities_the_user_may_change(client, rep, customer, foreign_customer):
    OpportunityFactory(customer=customer, title="Fleet renewal")
    OpportunityFactory(customer=foreign_customer, title="Fleet for Zenith")
    client.force_login(rep)

    found = client.get(reverse("sales:opportunity-autocomplete"), {"q": "fleet"}).json()["results"]

    assert [row["text"] for row in found] == ["Fleet renewal"]
    assert found[0]["detail"] == "Acme Logistics Ltd · Prospecting"
    assert client.get(reverse("sales:opportunity-autocomplete"), {"q": "f"}).json() == {"results": []}


def test_sales_pages_link_to_the_task_list(client, rep):
    client.force_login(rep)

    html = page_text(client.get(reverse("sales:opportunity-list")))

    assert f'href="{LIST}">Tasks</a>' in html


def test_a_task_about_a_deal_handed_to_someone_else_can_still_be_edited(client, rep, teammate, customer):
    # given: the rep's task about an opportunity since given, with its customer, to a teammate
    opportunity = OpportunityFactory(customer=customer)
    task = TaskFactory(customer=customer, opportunity=opportunity, subject="Call Acme")
    Opportunity.objects.filter(pk=opportunity.pk).update(owner=teammate)
    Customer.objects.filter(pk=customer.pk).update(owner=teammate)
    client.force_login(rep)

    # when: the rep changes the subject, leaving what the task is about as it was
    response = client.post(
        reverse("sales:task-update", args=[task.pk]),
        _form(subject="Call Acme again", owner=rep.pk, customer=customer.pk, opportunity=opportunity.pk, version=1),
    )

    # then
    assert response.status_code == 302, response.context["form"].errors
    assert Task.objects.get(pk=task.pk).subject == "Call Acme again"
