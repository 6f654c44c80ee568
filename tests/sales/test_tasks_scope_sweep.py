"""Every task URL that names a task answers 404 outside the user's reach and 403 without the permission; another
owner's customer, opportunity or user planted in a task form is refused; nothing changes either way. Built on the
shared sweep (tests/sweep.py); a new task page this sweep does not know fails here until it is added."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import Customer
from sales.models import Opportunity, Task
from sales.services.tasks import task_complete
from sales.urls import urlpatterns as sales_urlpatterns
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales import OpportunityFactory
from tests.factories.sales_tasks import TaskFactory
from tests.sweep import ScopeSweep

# This sweep covers tasks and quotas; the other sales sweeps cover the rest of the app's URLs, and together they
# cover every one (tests/sales/test_orders_scope_sweep.py checks the union).
URL_PREFIXES = ("task-", "quota")
urlpatterns = [p for p in sales_urlpatterns if p.name.startswith(URL_PREFIXES)]

pytestmark = pytest.mark.django_db

KWARGS = {
    "task-detail": lambda t: {"pk": t["task"].pk},
    "task-update": lambda t: {"pk": t["task"].pk},
    "task-delete": lambda t: {"pk": t["task"].pk},
    "task-history": lambda t: {"pk": t["task"].pk},
    "task-complete": lambda t: {"pk": t["task"].pk},
    "task-reopen": lambda t: {"pk": t["done_task"].pk},
}
# The quotas page names no record in its URL; whose quotas a POST may set is tested in tests/sales/test_quotas.py.
WITHOUT_RECORD = {"task-list", "task-export", "task-create", "quotas"}


def _task_form(user, own) -> dict:
    return {
        "subject": "Planted task",
        "due_at": "2026-12-10T09:00",
        "priority": "normal",
        "owner": user.pk,
        "customer": own["customer"].pk,
        "opportunity": own["opportunity"].pk,
        "notes": "",
    }


POST_DATA = {
    "task-create": _task_form,
    "task-update": lambda user, own: {**_task_form(user, own), "version": own["task"].version},
    "task-complete": lambda user, own: {"version": own["task"].version},
    "task-reopen": lambda user, own: {"version": own["done_task"].version},
    "quotas": lambda user, own: {
        "month": "2026-12",
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "1",
        "rows-0-rep": user.pk,
        "rows-0-version": "0",
        "rows-0-amount": "1000",
        "rows-0-currency": "EUR",
    },
}

SWEEP = ScopeSweep(
    namespace="sales",
    urlpatterns=urlpatterns,
    kwargs=KWARGS,
    without_record=WITHOUT_RECORD,
    post_data=POST_DATA,
    models=[Task, Customer, Opportunity],
    foreign_values={
        Customer: lambda t: t["customer"].pk,
        Opportunity: lambda t: t["opportunity"].pk,
        get_user_model(): lambda t: t["customer"].owner_id,
    },
)
TASK_URL_NAMES = SWEEP.record_url_names
TASK_FORMS = [name for name in SWEEP.form_url_names if name.startswith("task-")]
ATTACKERS = ["teammate", "outsider", "other_manager"]


def records_of(owner, name: str) -> dict:
    """A customer of `owner` with an opportunity, an open task about it and a done one."""
    customer = CustomerFactory(owner=owner, name=name)
    opportunity = OpportunityFactory(customer=customer, title=f"{name}: renewal")
    task = TaskFactory(customer=customer, opportunity=opportunity, subject=f"{name}: call the buyer")
    done = TaskFactory(customer=customer, subject=f"{name}: send the proposal")
    task_complete(task=done, by=owner)
    return {
        "customer": customer,
        "opportunity": opportunity,
        "task": Task.objects.get(pk=task.pk),
        "done_task": Task.objects.get(pk=done.pk),
    }


@pytest.fixture
def target(rep, manager):
    return records_of(rep, "Acme Logistics Ltd")


def test_sweep_knows_every_task_url():
    SWEEP.assert_knows_every_url()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", TASK_URL_NAMES)
def test_user_outside_reach_gets_404_and_changes_nothing(client, request, target, name, attacker_kind, method):
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    SWEEP.assert_refused(client, user=attacker, name=name, target=target, own=own, method=method)


@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", TASK_FORMS)
def test_other_owners_record_planted_in_a_task_form_is_refused(client, request, target, name, attacker_kind):
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    SWEEP.assert_foreign_keys_refused(client, user=attacker, name=name, target=target, own=own)


def test_foreign_key_sweep_covers_customer_opportunity_and_owner(client, outsider, target):
    own = records_of(outsider, "Otto's customer")
    checked = {
        name: SWEEP.assert_foreign_keys_refused(client, user=outsider, name=name, target=target, own=own)
        for name in TASK_FORMS
    }

    assert {name: fields for name, fields in checked.items() if fields} == {
        "task-create": ["customer", "opportunity", "owner"],
        "task-update": ["customer", "opportunity", "owner"],
    }


@pytest.mark.parametrize("name", [name for name in sorted(POST_DATA) if name.startswith("task-")])
def test_the_same_submissions_go_through_on_own_records(client, outsider, name):
    own = records_of(outsider, "Otto's customer")
    client.force_login(outsider)

    response = client.post(SWEEP.url(name, own), SWEEP.submission(name, outsider, own))

    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    ("name", "user_kind"),
    [(n, kind) for n in TASK_URL_NAMES if SWEEP.accepts(n, "get") for kind in ("rep", "manager", "administrator")],
)
def test_owner_their_manager_and_administrator_open_the_page(client, request, target, name, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(SWEEP.url(name, target))

    assert response.status_code == 200
    assert "Acme Logistics Ltd: call the buyer" in response.content.decode()


@pytest.mark.parametrize("name", [n for n in TASK_URL_NAMES if SWEEP.accepts(n, "post")])
def test_manager_of_the_owners_team_can_submit(client, target, manager, name):
    client.force_login(manager)

    response = client.post(SWEEP.url(name, target), SWEEP.submission(name, target["customer"].owner, target))

    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", TASK_URL_NAMES)
def test_anonymous_user_is_sent_to_login_and_changes_nothing(client, target, name, method):
    url = SWEEP.url(name, target)
    before = SWEEP.snapshot()

    response = getattr(client, method)(url)

    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url == f"{reverse('login')}?next={url}"
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", [*TASK_URL_NAMES, *sorted(WITHOUT_RECORD)])
def test_user_without_role_gets_403_and_changes_nothing(client, target, name, method):
    nobody = UserFactory(username="no.role")
    Task.objects.filter(pk__in=[target["task"].pk, target["done_task"].pk]).update(owner=nobody)
    client.force_login(nobody)
    before = SWEEP.snapshot()
    url = SWEEP.url(name, target)

    response = client.get(url) if method == "get" else client.post(url, SWEEP.submission(name, nobody, target))

    assert response.status_code == 403  # the permission check comes before the method and the lookup
    assert SWEEP.snapshot() == before
