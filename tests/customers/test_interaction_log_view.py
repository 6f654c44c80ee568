"""Logging an interaction from the customer page: who logged it, refused input, correcting and deleting it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Interaction
from tests.customers._support import page_text, section_text
from tests.factories.customers import InteractionFactory

pytestmark = pytest.mark.django_db


def _url(customer) -> str:
    return reverse("customers:interaction-create", args=[customer.pk])


def _form(**overrides) -> dict:
    when = timezone.localtime() - timedelta(hours=2)
    data = {
        "channel": "call",
        "direction": "outbound",
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "subject": "Discussed the renewal",
        "summary": "They want a two-year term.",
        "outcome": "positive",
        "next_step": "Send revised quote",
    }
    data.update(overrides)
    return data


def test_customer_page_offers_the_quick_log_form(client, rep, customer):
    client.force_login(rep)

    html = client.get(customer.get_absolute_url()).content.decode()

    assert f'action="{_url(customer)}"' in html
    assert 'name="subject"' in html and 'name="channel"' in html and 'name="occurred_at"' in html


def test_quick_log_saves_interaction_logged_by_the_user(client, manager, customer):
    # given: the rep's manager logs a call on the rep's customer
    client.force_login(manager)

    # when
    response = client.post(_url(customer), _form())

    # then
    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    interaction = Interaction.objects.get()
    assert interaction.customer == customer and interaction.user == manager
    assert interaction.subject == "Discussed the renewal" and interaction.outcome == "positive"
    page = client.get(response.url)
    assert "The interaction was logged." in page_text(page)
    timeline = section_text(page, "timeline-heading")
    assert "Discussed the renewal" in timeline and "by Mona Manager" in timeline


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": ""}, "This field is required."),
        ({"channel": ""}, "This field is required."),
        ({"channel": "pigeon"}, "Select a valid choice. pigeon is not one of the available choices."),
        ({"occurred_at": ""}, "This field is required."),
        ({"occurred_at": "yesterday"}, "Enter a valid date/time."),
    ],
)
def test_missing_or_bad_field_shows_message_and_saves_nothing(client, rep, customer, overrides, message):
    client.force_login(rep)

    response = client.post(_url(customer), _form(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Interaction.objects.exists()


def test_date_far_in_the_future_is_refused(client, rep, customer):
    client.force_login(rep)
    next_month = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(_url(customer), _form(occurred_at=next_month))

    assert "An interaction cannot be logged in the future; plan it as a next step." in page_text(response)
    assert not Interaction.objects.exists()


def test_refused_log_keeps_what_was_typed(client, rep, customer):
    client.force_login(rep)

    response = client.post(_url(customer), _form(subject="", summary="Long notes I do not want to lose"))

    assert "Long notes I do not want to lose" in page_text(response)


def test_delete_asks_then_removes_the_interaction(client, rep, customer):
    # given
    interaction = InteractionFactory(customer=customer, subject="Wrong entry")
    url = reverse("customers:interaction-delete", args=[customer.pk, interaction.pk])
    client.force_login(rep)

    # when
    confirm = client.get(url)
    response = client.post(url, follow=True)

    # then
    assert "Delete “Wrong entry”?" in page_text(confirm)
    assert "“Wrong entry” was moved to the recycle bin." in page_text(response)
    assert not Interaction.objects.exists()


def test_interaction_of_another_customer_cannot_be_deleted_through_this_one(client, rep, customer):
    other = InteractionFactory(customer__owner=rep, subject="Belongs elsewhere")
    client.force_login(rep)

    response = client.post(reverse("customers:interaction-delete", args=[customer.pk, other.pk]))

    assert response.status_code == 404
    assert Interaction.objects.filter(pk=other.pk).exists()


def test_interaction_can_be_corrected_and_its_history_shows_the_change(client, rep, customer):
    # given
    interaction = InteractionFactory(customer=customer, subject="Call about pricing", channel="call")
    url = reverse("customers:interaction-update", args=[customer.pk, interaction.pk])
    client.force_login(rep)
    form = page_text(client.get(url))
    # when
    response = client.post(url, _form(subject="Visit about pricing", channel="visit", version=interaction.version))
    # then
    assert 'value="Call about pricing"' in form
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert (interaction.subject, interaction.channel, interaction.user, interaction.version) == (
        "Visit about pricing",
        "visit",
        rep,
        2,
    )
    history = page_text(client.get(url))
    assert "Call about pricing" in history and "Visit about pricing" in history and "Rita Rep" in history


def test_stale_interaction_edit_is_refused_and_keeps_the_other_change(client, rep, customer):
    interaction = InteractionFactory(customer=customer, subject="Call about pricing")
    services.interaction_update(interaction=interaction, by=rep, subject="Call about the contract")
    client.force_login(rep)

    response = client.post(
        reverse("customers:interaction-update", args=[customer.pk, interaction.pk]), _form(subject="Mine", version=1)
    )

    assert "Someone else changed this record after you opened it" in page_text(response)
    interaction.refresh_from_db()
    assert interaction.subject == "Call about the contract"


# The quick form on the customer page ------------------------------------------------------------------------------


def test_rejected_quick_log_shows_the_customer_page_with_errors_and_the_values_typed(client, rep, customer):
    # given: the customer page's own form, with the subject left out
    InteractionFactory(customer=customer, subject="Earlier call")
    client.force_login(rep)

    # when
    response = client.post(_url(customer), _form(subject="", summary="Long notes I do not want to lose", quick_log="1"))

    # then: the customer page again, not a redirect and not the separate page, with the error in the quick form
    assert response.status_code == 200
    assert "customers/customer_detail.html" in [t.name for t in response.templates]
    quick_form = section_text(response, "log-heading")
    assert "This field is required." in quick_form and "Long notes I do not want to lose" in quick_form
    assert "Earlier call" in section_text(response, "timeline-heading")
    assert "buyer@acme.test" in section_text(response, "profile-heading")
    assert not Interaction.objects.exclude(subject="Earlier call").exists()


def test_quick_form_says_it_comes_from_the_customer_page(client, rep, customer):
    client.force_login(rep)

    quick_form = client.get(customer.get_absolute_url()).content.decode()

    assert 'name="quick_log" value="1"' in quick_form


def test_rejected_full_form_stays_on_the_full_page(client, rep, customer):
    client.force_login(rep)

    response = client.post(_url(customer), _form(subject=""))

    assert response.status_code == 200
    assert "customers/customer_detail.html" not in [t.name for t in response.templates]
    assert "Log an interaction" in page_text(response) and "This field is required." in page_text(response)


def test_accepted_quick_log_goes_back_to_the_customer_page(client, rep, customer):
    client.force_login(rep)

    response = client.post(_url(customer), _form(quick_log="1"))

    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    assert Interaction.objects.get().subject == "Discussed the renewal"
