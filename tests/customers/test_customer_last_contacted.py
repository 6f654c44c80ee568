"""A customer's "last contacted": the latest live interaction, kept by the interaction services and the recycle bin,
backfilled by its migration, seeded by the demo, and shown on the list and the customer page."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from customers.demo import seed_demo
from customers.models import Customer, Interaction
from customers.services import customer_delete, customer_update, interaction_delete, interaction_log, interaction_update
from records.models import Deletion
from records.services import deletion_purge, deletion_restore
from tests.customers._support import page_text, section_text
from tests.factories.customers import CustomerFactory, InteractionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _log(customer, by, days_ago, subject="Call"):
    return interaction_log(
        customer=customer, by=by, channel="call", subject=subject, occurred_at=NOW - timedelta(days=days_ago)
    )


def _last(customer):
    return Customer.all_objects.get(pk=customer.pk).last_contacted_at


def test_new_customer_was_never_contacted(customer):
    assert _last(customer) is None


def test_logging_an_interaction_sets_it_and_an_older_one_leaves_it(customer, rep):
    _log(customer, rep, 3)
    assert _last(customer) == NOW - timedelta(days=3)

    _log(customer, rep, 10)
    assert _last(customer) == NOW - timedelta(days=3)

    _log(customer, rep, 1)
    assert _last(customer) == NOW - timedelta(days=1)


def test_logging_is_not_a_change_to_the_customer(customer, rep):
    before = Customer.objects.get(pk=customer.pk)

    _log(customer, rep, 1)

    after = Customer.objects.get(pk=customer.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert after.history.count() == before.history.count()


def test_moving_the_latest_interaction_back_in_time_moves_it_back(customer, rep):
    _log(customer, rep, 5)
    latest = _log(customer, rep, 1)

    interaction_update(interaction=latest, by=rep, expected_version=latest.version, occurred_at=NOW - timedelta(days=9))

    assert _last(customer) == NOW - timedelta(days=5)


def test_moving_an_interaction_to_another_customer_updates_both(customer, rep):
    other = CustomerFactory(owner=rep)
    _log(customer, rep, 5)
    moved = _log(customer, rep, 1)

    interaction_update(interaction=moved, by=rep, expected_version=moved.version, customer=other)

    assert _last(customer) == NOW - timedelta(days=5)
    assert _last(other) == NOW - timedelta(days=1)


def test_recycle_bin_delete_restore_and_purge_follow_the_interaction(customer, rep, administrator):
    _log(customer, rep, 5)
    latest = _log(customer, rep, 1)

    entry = interaction_delete(interaction=latest, by=rep)
    assert _last(customer) == NOW - timedelta(days=5)

    deletion_restore(deletion=entry, by=rep)
    assert _last(customer) == NOW - timedelta(days=1)

    entry = interaction_delete(interaction=Interaction.objects.get(pk=latest.pk), by=rep)
    deletion_purge(deletion=entry, by=administrator)
    assert _last(customer) == NOW - timedelta(days=5)
    assert not Interaction.all_objects.filter(pk=latest.pk).exists()


def test_deleting_the_only_interaction_means_never_contacted(customer, rep):
    only = _log(customer, rep, 2)

    interaction_delete(interaction=only, by=rep)

    assert _last(customer) is None


def test_customer_restored_from_the_bin_keeps_its_last_contact(customer, rep):
    _log(customer, rep, 4)

    entry = customer_delete(customer=Customer.objects.get(pk=customer.pk), by=rep)
    deletion_restore(deletion=Deletion.objects.get(pk=entry.pk), by=rep)

    assert _last(customer) == NOW - timedelta(days=4)


def test_editing_a_customer_opened_before_a_contact_keeps_the_contact(customer, rep):
    # given: the edit form was opened, then someone logged a call
    opened = Customer.objects.get(pk=customer.pk)
    _log(customer, rep, 0)

    # when: the older copy is saved (the version is unchanged by the call, so the edit goes through)
    customer_update(customer=opened, by=rep, expected_version=opened.version, notes="Prefers email")

    # then
    assert _last(customer) == NOW


def test_migration_backfills_the_latest_live_interaction():
    backfill = importlib.import_module("customers.migrations.0009_customer_last_contacted").backfill_last_contacted
    contacted, never, binned = CustomerFactory(), CustomerFactory(), CustomerFactory()
    InteractionFactory(customer=contacted, occurred_at=NOW - timedelta(days=8))
    InteractionFactory(customer=contacted, occurred_at=NOW - timedelta(days=2))
    recycled = InteractionFactory(customer=binned, occurred_at=NOW)
    Interaction.all_objects.filter(pk=recycled.pk).update(
        deletion=Deletion.objects.create(
            content_type=ContentType.objects.get_for_model(Interaction),
            object_id=recycled.pk,
            label="x",
            domain="customers",
        )
    )

    backfill(apps, None)

    assert _last(contacted) == NOW - timedelta(days=2)
    assert _last(never) is None and _last(binned) is None


def test_seeded_customers_carry_their_latest_interaction():
    seed_demo(customers=40)

    for customer in Customer.objects.all():
        latest = customer.interactions.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
        assert customer.last_contacted_at == latest
    assert Customer.objects.filter(last_contacted_at__isnull=True).exists()
    assert Customer.objects.filter(last_contacted_at__isnull=False).exists()


def test_list_shows_how_long_ago_with_the_exact_time_on_hover_and_never(client, rep, customer):
    _log(customer, rep, 3)
    CustomerFactory(owner=rep, name="Birch Bakery")
    client.force_login(rep)

    html = page_text(client.get("/customers/")).replace("\xa0", " ")  # timesince joins with no-break spaces

    rows = html.split("<tbody>")[1]
    acme, birch = rows.split(">Birch Bakery<")[0], rows.split(">Birch Bakery<")[1]
    assert "3 days ago</time>" in acme and 'title="' in acme.split("col-contacted")[1]
    assert "Never" in birch.split("col-contacted")[1].split("</td>")[0]


def test_customer_page_shows_the_last_contact(client, rep, customer):
    _log(customer, rep, 3)
    client.force_login(rep)

    response = client.get(customer.get_absolute_url())

    assert "Last contacted 3 days ago" in section_text(response, "profile-heading").replace("\xa0", " ")
