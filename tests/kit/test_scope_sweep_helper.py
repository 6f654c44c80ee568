"""The shared scope sweep (tests/sweep.py) refuses to pass while an app has a URL it does not know, and its
snapshot sees every kind of change a page could make."""

import pytest
from django.urls import path
from django.views.generic import FormView, TemplateView, View

from customers.models import Customer, Tag
from customers.services import customer_delete, customer_update
from customers.urls import urlpatterns
from tests.factories.customers import CustomerFactory, TagFactory
from tests.sweep import ScopeSweep

pytestmark = pytest.mark.django_db


WITHOUT_RECORD = {"customer-list", "customer-export", "customer-create", "customer-autocomplete", "customer-bulk"}


def _sweep(**changes) -> ScopeSweep:
    declared = {
        "namespace": "customers",
        "urlpatterns": urlpatterns,
        "kwargs": {
            name: (lambda t: {"pk": t["customer"].pk})
            for name in (
                "customer-detail",
                "customer-update",
                "customer-delete",
                "customer-history",
                "contact-create",
                "contact-update",
                "contact-delete",
                "interaction-create",
                "interaction-update",
                "interaction-delete",
                "relationship-create",
                "relationship-update",
                "relationship-delete",
                "customer-personal-data",
                "customer-erase",
                "contact-personal-data",
                "contact-erase",
            )
        },
        "without_record": WITHOUT_RECORD,
        "post_data": {
            name: (lambda user, own: {})
            for name in (
                "customer-create",
                "customer-update",
                "contact-create",
                "contact-update",
                "interaction-create",
                "interaction-update",
                "relationship-create",
                "relationship-update",
            )
        },
        "models": [Customer],
    }
    return ScopeSweep(**{**declared, **changes})


class _Read(TemplateView):
    pass


class _Form(FormView):
    pass


class _PostOnly(View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return None


def test_a_complete_declaration_passes():
    _sweep().assert_knows_every_url()


def test_a_new_url_the_sweep_does_not_know_fails_it():
    sweep = _sweep(urlpatterns=[*urlpatterns, path("<int:pk>/merge/", _Read.as_view(), name="customer-merge")])

    with pytest.raises(AssertionError, match="does not know \\['customer-merge'\\]"):
        sweep.assert_knows_every_url()


def test_a_url_the_app_no_longer_has_fails_it():
    sweep = _sweep(without_record={*WITHOUT_RECORD, "customer-import"})

    with pytest.raises(AssertionError, match="no longer has: \\['customer-import'\\]"):
        sweep.assert_knows_every_url()


def test_a_url_with_arguments_cannot_be_declared_as_naming_no_record():
    sweep = _sweep(
        urlpatterns=[*urlpatterns, path("<int:pk>/card/", _Read.as_view(), name="customer-card")],
        without_record={*WITHOUT_RECORD, "customer-card"},
    )

    with pytest.raises(AssertionError, match="take arguments"):
        sweep.assert_knows_every_url()


def test_a_form_page_without_a_submission_fails_it():
    sweep = _sweep(
        urlpatterns=[*urlpatterns, path("<int:pk>/notes/", _Form.as_view(), name="note-create")],
        kwargs={**_sweep().kwargs, "note-create": lambda t: {"pk": t["customer"].pk}},
    )

    with pytest.raises(AssertionError, match="no submission for the form pages \\['note-create'\\]"):
        sweep.assert_knows_every_url()


def test_refusal_is_404_or_405_for_a_method_the_page_does_not_take():
    sweep = _sweep(
        urlpatterns=[*urlpatterns, path("<int:pk>/restore/", _PostOnly.as_view(), name="restore")],
        refusal_status={"customer-update": 403},
    )

    assert (sweep.refusal("customer-detail", "get"), sweep.refusal("customer-detail", "post")) == (404, 405)
    assert (sweep.refusal("restore", "get"), sweep.refusal("restore", "post")) == (405, 404)
    assert sweep.refusal("customer-update", "post") == 403


def test_urls_mixing_own_and_target_records_are_swept_too():
    sweep = _sweep(kwargs={"contact-update": lambda r: {"pk": r["customer"].pk, "contact_pk": r["contact"].pk}})
    target = {"customer": Customer(pk=1), "contact": Customer(pk=2)}
    own = {"customer": Customer(pk=3), "contact": Customer(pk=4)}

    urls = [sweep.url("contact-update", records) for records in sweep.mixes("contact-update", target, own)]

    assert urls == ["/customers/1/contacts/2/edit/", "/customers/1/contacts/4/edit/", "/customers/3/contacts/2/edit/"]


def test_snapshot_sees_rows_versions_tags_history_and_the_recycle_bin(rep):
    # given
    sweep = _sweep(models=[Customer, Tag])
    customer = CustomerFactory(owner=rep)
    states = [sweep.snapshot()]

    # when: a change, a tag, a delete to the recycle bin
    customer_update(customer=customer, by=rep, notes="changed")
    states.append(sweep.snapshot())
    customer.tags.add(TagFactory(name="VIP"))
    states.append(sweep.snapshot())
    customer_delete(customer=customer, by=rep)
    states.append(sweep.snapshot())

    # then: each step changed what the snapshot holds
    changed = [
        sorted(k for k in before if before[k] != after[k]) for before, after in zip(states, states[1:], strict=False)
    ]
    assert changed[0] == ["customers.Customer", "customers.HistoricalCustomer rows"]
    assert changed[1] == [
        "customers.Customer_tags",
        "customers.HistoricalCustomer rows",
        "customers.HistoricalCustomer_tags rows",
        "customers.Tag",
    ]
    assert {"customers.Customer", "records.AuditEntry", "records.Deletion"} <= set(changed[2])
