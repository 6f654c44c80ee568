"""The kit's form and delete views: one service call, a stale version shown as a conflict, a refusal shown on the
page, and nothing written when the service refuses."""

from unittest.mock import Mock

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from crm.kit import views as kit
from customers.models import Contact
from customers.views import ContactDeleteView, CustomerExportView
from tests.customers._support import page_text
from tests.factories.customers import ContactFactory

pytestmark = pytest.mark.django_db


def _contact_url(name, contact):
    return reverse(f"customers:{name}", args=[contact.customer_id, contact.pk])


def test_stale_edit_shows_what_changed_keeps_the_users_values_and_saves_nothing(client, rep, customer):
    # given: a contact someone changed after the form was opened at version 1
    contact = ContactFactory(customer=customer, name="Pat Buyer", role="Buyer")
    client.force_login(rep)
    client.post(_contact_url("contact-update", contact), {"name": "Pat Buyer", "role": "Head buyer", "version": 1})

    # when
    response = client.post(_contact_url("contact-update", contact), {"name": "Patricia Buyer", "version": 1})

    # then
    html = page_text(response)
    assert response.status_code == 200
    assert 'data-testid="version-conflict"' in html and "Head buyer" in html
    assert 'value="Patricia Buyer"' in html and 'name="version" value="2"' in html
    assert Contact.objects.get(pk=contact.pk).name == "Pat Buyer"


def test_refused_delete_shows_why_on_the_confirmation_page(rep, customer):
    # given: a delete service that refuses
    contact = ContactFactory(customer=customer, name="Pat Buyer")

    def contact_delete_refused(*, contact, by):
        raise ValidationError("This contact is still on an open deal.")

    class RefusingDelete(ContactDeleteView):
        service = contact_delete_refused

    request = RequestFactory().post("/")
    request.user = rep

    # when
    response = RefusingDelete.as_view()(request, pk=customer.pk, contact_pk=contact.pk)

    # then
    response.render()
    html = page_text(response)
    assert response.status_code == 200
    assert "This contact is still on an open deal." in html and "Delete “Pat Buyer”?" in html
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_delete_calls_the_named_service_with_the_record_and_the_user(client, rep, customer):
    contact = ContactFactory(customer=customer, name="Pat Buyer")
    client.force_login(rep)

    response = client.post(_contact_url("contact-delete", contact))

    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    assert Contact.all_objects.get(pk=contact.pk).deletion is not None


def test_a_view_that_names_no_service_is_a_configuration_error(rep, customer):
    class Unfinished(kit.ChildCreateView):
        parent_model = type(customer)
        permission_required = "customers.add_contact"
        form_class = Mock()

    view = Unfinished()
    view.request = RequestFactory().post("/")
    view.request.user = rep
    view.kwargs = {"pk": customer.pk}
    form = Mock(cleaned_data={"name": "x"})

    with pytest.raises(ImproperlyConfigured, match="must name its service"):
        view.form_valid(form)


def test_export_tells_the_view_before_it_reads_the_rows(client, rep, customer):
    # given: an export that records what was asked for
    seen = []

    class RecordedExport(CustomerExportView):
        def exporting(self, filterset):
            seen.append(filterset.form.cleaned_data["tier"])

    request = RequestFactory().get("/", {"tier": "A"})
    request.user = rep

    # when
    response = RecordedExport.as_view()(request)

    # then
    assert response.status_code == 200 and seen == ["A"]
