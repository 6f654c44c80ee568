"""Bulk changes from the customer list: reassign, tag, untag and stage over ticked rows or the whole filter, in one
transaction, with history, versions and an audit entry, refused whole when any row is outside reach."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.roles import SUPPORT_AGENT
from customers import bulk
from customers.models import Customer
from customers.selectors import customer_history
from records.models import AuditEntry
from tests.customers._support import page_text
from tests.factories.customers import CustomerFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

BULK_URL = reverse("customers:customer-bulk")


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_manager_reassigns_ticked_customers_with_history_version_and_audit(client, manager, rep, teammate):
    # given
    first, second = CustomerFactory(owner=rep, name="Alpha"), CustomerFactory(owner=rep, name="Beta")
    untouched = CustomerFactory(owner=rep, name="Gamma")
    client.force_login(manager)
    # when
    response = client.post(
        BULK_URL, {"action": "reassign", "owner": teammate.pk, "id": [first.pk, second.pk], "query": "tier=A"}
    )
    # then
    assert response.status_code == 302 and response.url == reverse("customers:customer-list") + "?tier=A"
    assert "2 customers reassigned to Tom Mate." in _messages(response)
    for customer in (first, second):
        customer.refresh_from_db()
        assert (customer.owner, customer.version) == (teammate, 2)
        latest = customer_history(customer=customer, limit=1)[0]
        assert latest.who == manager
        assert [(c.label, c.old, c.new) for c in latest.changes] == [("owner", "Rita Rep", "Tom Mate")]
    untouched.refresh_from_db()
    assert (untouched.owner, untouched.version) == (rep, 1)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BULK_CHANGE)
    assert entry.actor == manager and entry.detail["customers"] == [first.pk, second.pk]


def test_tagging_keeps_existing_tags_and_untagging_removes_only_that_tag(rep):
    vip, warm = TagFactory(name="vip"), TagFactory(name="warm")
    tagged, plain = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    tagged.tags.set([vip, warm])

    added = bulk.customer_bulk_change(by=rep, customer_ids=[tagged.pk, plain.pk], action="tag", value=vip.pk)
    removed = bulk.customer_bulk_change(by=rep, customer_ids=[tagged.pk, plain.pk], action="untag", value=warm.pk)

    assert (added.chosen, added.changed, removed.changed) == (2, 1, 1)
    assert set(tagged.tags.values_list("name", flat=True)) == {"vip"}
    assert set(plain.tags.values_list("name", flat=True)) == {"vip"}
    latest = customer_history(customer=plain, limit=2)
    assert [(c.old, c.new) for c in latest[0].changes] == [("—", "vip")]
    assert [(c.old, c.new) for c in customer_history(customer=tagged, limit=1)[0].changes] == [("vip, warm", "vip")]


def test_stage_change_refuses_an_unknown_stage_and_changes_nothing(rep, customer):
    with pytest.raises(ValidationError):
        bulk.customer_bulk_change(by=rep, customer_ids=[customer.pk], action="stage", value="champion")

    customer.refresh_from_db()
    assert customer.version == 1 and not AuditEntry.objects.filter(action=AuditEntry.Action.BULK_CHANGE).exists()


def test_one_customer_outside_reach_refuses_the_whole_change(client, rep, outsider):
    own = CustomerFactory(owner=rep, lifecycle_stage="lead")
    foreign = CustomerFactory(owner=outsider, lifecycle_stage="lead")
    client.force_login(rep)

    response = client.post(BULK_URL, {"action": "stage", "stage": "customer", "id": [own.pk, foreign.pk]})

    assert response.status_code == 302
    assert "1 of the chosen customers is outside your reach or no longer exists" in _messages(response)
    assert set(Customer.objects.values_list("lifecycle_stage", flat=True)) == {"lead"}
    assert set(Customer.objects.values_list("version", flat=True)) == {1}


def test_reassigning_to_someone_outside_reach_is_refused(rep, outsider, customer):
    with pytest.raises(ValidationError) as refused:
        bulk.customer_bulk_change(by=rep, customer_ids=[customer.pk], action="reassign", value=outsider.pk)

    assert "assign customers to" in str(refused.value)
    customer.refresh_from_db()
    assert customer.owner == rep


def test_the_service_refuses_a_caller_who_reaches_nothing(outsider, customer):
    with pytest.raises(PermissionDenied):
        bulk.customer_bulk_change(by=outsider, customer_ids=[customer.pk], action="stage", value="customer")


def test_whole_filter_asks_for_confirmation_with_the_count_then_applies(client, manager, rep):
    for index in range(3):
        CustomerFactory(owner=rep, tier="A", name=f"Tier A {index}", lifecycle_stage="lead")
    other_tier = CustomerFactory(owner=rep, tier="C", lifecycle_stage="lead")
    client.force_login(manager)
    data = {"action": "stage", "stage": "customer", "scope": "filter", "query": "tier=A"}

    asked = client.post(BULK_URL, data)
    unchanged = set(Customer.objects.values_list("lifecycle_stage", flat=True))
    applied = client.post(BULK_URL, {**data, "confirm": "on"})

    assert asked.status_code == 200 and "Move 3 customers to the stage Customer?" in page_text(asked)
    assert "no-store" in asked["Cache-Control"] and "script-src 'self'" in asked["Content-Security-Policy"]
    assert unchanged == {"lead"}
    assert applied.status_code == 302 and "3 customers moved to the stage Customer." in _messages(applied)
    assert Customer.objects.filter(lifecycle_stage="customer").count() == 3
    other_tier.refresh_from_db()
    assert other_tier.lifecycle_stage == "lead"


@override_settings(CRM_BULK_LIMIT=2)
def test_a_filter_over_the_limit_is_refused_with_a_way_back(client, manager, rep):
    for _ in range(3):
        CustomerFactory(owner=rep, tier="A")
    client.force_login(manager)

    response = client.post(BULK_URL, {"action": "tag", "tag": TagFactory().pk, "scope": "filter", "query": "tier=A"})

    assert "more than 2 customers" in page_text(response) and "Apply" not in page_text(response)
    assert not Customer.tags.through.objects.exists()


def test_bad_input_says_what_is_missing_and_changes_nothing(client, rep, customer):
    client.force_login(rep)

    no_rows = client.post(BULK_URL, {"action": "stage", "stage": "customer"})
    no_value = client.post(BULK_URL, {"action": "reassign", "id": [customer.pk]})
    bad_id = client.post(BULK_URL, {"action": "stage", "stage": "customer", "id": ["²"]})

    assert "Tick the customers to change first." in _messages(no_rows)
    assert "Choose the value for this action." in _messages(no_value)
    assert "is not a record number" in _messages(bad_id)
    customer.refresh_from_db()
    assert customer.version == 1


def test_export_of_ticked_rows_goes_to_the_csv_of_those_rows_only(client, rep):
    chosen, other = CustomerFactory(owner=rep, name="Chosen Ltd"), CustomerFactory(owner=rep, name="Other Ltd")
    client.force_login(rep)

    response = client.post(BULK_URL, {"action": "export", "id": [chosen.pk]}, follow=True)

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Chosen Ltd" in body and "Other Ltd" not in body and other.pk


def test_a_user_without_change_permission_gets_403(client, django_user_model, customer):
    viewer = django_user_model.objects.create_user("viewer", password="x")
    client.force_login(viewer)

    response = client.post(BULK_URL, {"action": "stage", "stage": "customer", "id": [customer.pk]})

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.version == 1


def test_bulk_page_takes_no_get(client, rep):
    client.force_login(rep)

    assert client.get(BULK_URL).status_code == 405


def test_list_offers_tick_boxes_and_the_bulk_bar_to_those_who_may_change(client, manager, rep):
    customer = CustomerFactory(owner=rep, name="Tickable Ltd")
    client.force_login(manager)

    html = client.get(reverse("customers:customer-list")).content.decode()

    assert f'name="id" value="{customer.pk}"' in html
    assert (
        f'action="{BULK_URL}"' in html and "Apply to ticked rows" in html and "Apply to the 1 row of the list" in html
    )
    assert 'id="bulk_owner"' in html and 'id="id_owner"' in html  # the bar's fields apart from the filter bar's


def test_list_shows_no_bulk_controls_to_a_reader(client, rep):
    CustomerFactory(owner=rep, name="Read Only Ltd")
    reader = UserFactory(username="support.agent", role=SUPPORT_AGENT)
    client.force_login(reader)

    html = client.get(reverse("customers:customer-list")).content.decode()

    assert "Read Only Ltd" in html and 'name="id"' not in html and "Apply to ticked rows" not in html
