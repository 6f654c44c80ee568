"""The audit log: who moved or removed data, signed in or failed, changed roles or teams; administrators read
and filter it in the app, nobody edits it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SALES_MANAGER
from customers import services
from records.models import AuditEntry
from tests.customers._support import page_text
from tests.factories.customers import PASSWORD, AdministratorFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_sign_in_and_failure_are_recorded_without_the_password(client, rep):
    client.post(reverse("login"), {"username": "rep.one", "password": "wrong password 123"})
    client.post(reverse("login"), {"username": "rep.one", "password": PASSWORD})

    failed = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_FAILED)
    assert failed.detail == {"username": "rep.one"} and "wrong" not in str(failed.detail)
    assert failed.address == "127.0.0.1"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN, actor=rep).exists()


def test_export_records_who_which_filter_and_how_many_rows(client, rep, customer):
    client.force_login(rep)

    response = client.get(reverse("customers:customer-export"), {"tier": "B"})
    b"".join(response.streaming_content)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.actor, entry.detail) == (rep, {"filter": "tier=B", "rows": 1})


def test_owner_change_is_recorded_with_old_and_new_owner(rep, teammate, manager, customer):
    services.customer_update(customer=customer, by=manager, owner=teammate)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.OWNER_CHANGE)
    assert (entry.actor, entry.detail) == (manager, {"from": rep.pk, "to": teammate.pk})


def test_role_and_team_changes_are_recorded(rep, manager):
    rep.groups.add(Group.objects.get(name=SALES_MANAGER))
    TeamFactory(name="East", manager=manager, members=[rep])

    role = AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_CHANGE, object_id=str(rep.pk)).order_by("id").last()
    assert role.detail == {"added": [SALES_MANAGER]}
    team = AuditEntry.objects.get(action=AuditEntry.Action.TEAM_CHANGE, object_label="East")
    assert team.detail == {"added": ["rep.one"]}


def test_administrator_reads_and_filters_the_log(client, rep, customer):
    services.customer_delete(customer=customer, by=rep)
    client.force_login(AdministratorFactory(username="ada"))

    everything = page_text(client.get(reverse("records:audit-log")))
    deletes = page_text(client.get(reverse("records:audit-log"), {"action": "delete", "actor": "rep.one"}))
    nothing = page_text(client.get(reverse("records:audit-log"), {"action": "purge"}))

    assert "Deleted to the recycle bin" in everything and "Acme Logistics Ltd" in everything
    assert "Acme Logistics Ltd" in deletes and "<td>Roles changed</td>" not in deletes
    assert "<td>Roles changed</td>" in everything
    assert "No entries match these filters." in nothing


def test_date_filter_takes_whole_days_and_refuses_an_inverted_range(client, rep, customer):
    services.customer_delete(customer=customer, by=rep)
    client.force_login(AdministratorFactory())
    today = timezone.localdate()

    included = page_text(client.get(reverse("records:audit-log"), {"since": today, "until": today}))
    excluded = page_text(client.get(reverse("records:audit-log"), {"until": today - timedelta(days=1)}))
    inverted = page_text(client.get(reverse("records:audit-log"), {"since": today, "until": today - timedelta(1)}))
    bad = client.get(reverse("records:audit-log"), {"since": "2026-13-45", "page": "²"})

    assert "Acme Logistics Ltd" in included and "Acme Logistics Ltd" not in excluded
    assert "The end date is before the start date." in inverted
    assert bad.status_code == 200 and "Enter a valid date." in page_text(bad)


@pytest.mark.parametrize("user_kind", ["rep", "manager"])
def test_reps_and_managers_cannot_read_the_log(client, rep, manager, user_kind):
    client.force_login({"rep": rep, "manager": manager}[user_kind])
    assert client.get(reverse("records:audit-log")).status_code == 403


def test_nobody_edits_an_entry_not_even_in_the_admin(client, rep, customer):
    services.customer_delete(customer=customer, by=rep)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE)
    client.force_login(AdministratorFactory())

    listing = client.get(reverse("admin:records_auditentry_changelist"))
    change = client.post(reverse("admin:records_auditentry_change", args=[entry.pk]), {"action": "purge"})
    delete = client.post(reverse("admin:records_auditentry_delete", args=[entry.pk]), {"post": "yes"})

    assert listing.status_code == 200 and change.status_code == 403 and delete.status_code == 403
    entry.object_label = "changed"
    with pytest.raises(ValueError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Acme Logistics Ltd"


def test_duplicate_outside_reach_is_recorded_without_telling_the_rep_whose_it_is(client, rep, foreign_customer):
    client.force_login(rep)

    response = client.post(
        reverse("customers:customer-create"),
        {
            "kind": "company",
            "name": "Zenith Again",
            "email": "INFO@zenith.test",
            "tier": "B",
            "lifecycle_stage": "lead",
            "owner": rep.pk,
        },
    )

    assert "Zenith Foods GmbH" not in page_text(response)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DUPLICATE_HINT)
    assert (entry.actor, entry.object_id, entry.detail) == (rep, str(foreign_customer.pk), {"matched": ["email"]})
