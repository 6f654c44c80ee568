"""Opportunity pages: the list with its filters and export, the opportunity's page, and its forms."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer
from sales.models import Opportunity, StageChange
from tests.factories.customers import ContactFactory, CustomerFactory
from tests.factories.sales import OpportunityFactory, stage

pytestmark = pytest.mark.django_db
LIST = reverse("sales:opportunity-list")
CREATE = reverse("sales:opportunity-create")


def _edit_data(opportunity, **changes):
    data = {
        "title": opportunity.title,
        "amount": str(opportunity.amount),
        "currency": opportunity.currency,
        "stage": opportunity.stage_id,
        "probability": opportunity.probability,
        "expected_close_date": "",
        "owner": opportunity.owner_id,
        "contact": "",
        "source": "",
        "next_step": "",
        "lost_reason": "",
        "version": opportunity.version,
    }
    data.update(changes)
    return data


def test_list_shows_own_opportunities_with_customer_stage_and_amount(client, rep, customer, foreign_customer):
    OpportunityFactory(customer=customer, title="Fleet renewal", amount=Decimal("1250.50"))
    OpportunityFactory(customer=foreign_customer, title="Not mine")
    client.force_login(rep)

    response = client.get(LIST)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Fleet renewal" in body and "Acme Logistics Ltd" in body and "1,250.50 EUR" in body
    assert "Not mine" not in body
    assert "1 opportunity" in body


def test_list_searches_titles_and_filters_stage(client, rep, customer):
    # Searching by customer: tests/sales/test_opportunities_search.py (the full-text index needs committed rows).
    OpportunityFactory(customer=customer, title="Fleet renewal", stage=stage("proposal"))
    OpportunityFactory(customer=CustomerFactory(owner=rep, name="Blue Harbour"), title="Cranes")
    client.force_login(rep)

    assert "Cranes" in client.get(LIST, {"q": "RANE"}).content.decode()
    assert "Fleet renewal" not in client.get(LIST, {"q": "rane"}).content.decode()
    filtered = client.get(LIST, {"stage": stage("proposal").pk}).content.decode()
    assert "Fleet renewal" in filtered and "Cranes" not in filtered


def test_list_with_invalid_close_month_shows_the_error_and_no_rows(client, rep, customer):
    OpportunityFactory(customer=customer, title="Fleet renewal")
    client.force_login(rep)

    body = client.get(LIST, {"close_month": "2027-13"}).content.decode()

    assert "Enter a month as YYYY-MM." in body and "Fleet renewal" not in body


def test_export_has_the_filtered_rows(client, rep, customer):
    OpportunityFactory(customer=customer, title="Fleet renewal", stage=stage("proposal"))
    OpportunityFactory(customer=customer, title="Cranes")
    client.force_login(rep)

    response = client.get(reverse("sales:opportunity-export"), {"stage": stage("proposal").pk})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Fleet renewal" in body and "Cranes" not in body and "Acme Logistics Ltd" in body


def test_detail_shows_stage_history_customer_link_and_unscored_probability(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    StageChange.objects.create(opportunity=opportunity, to_stage=stage("prospecting"), changed_by=rep)
    client.force_login(rep)

    response = client.get(opportunity.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "Fleet renewal" in body and customer.get_absolute_url() in body
    assert "Stage history" in body and "Opened" in body
    assert "Not scored yet" in body


def test_create_opens_an_opportunity_in_the_first_stage(client, rep, customer):
    client.force_login(rep)

    response = client.post(
        CREATE,
        {
            "customer": customer.pk,
            "title": "Fleet renewal",
            "amount": "1000",
            "currency": "EUR",
            "stage": stage("prospecting").pk,
            "probability": "",
            "owner": rep.pk,
        },
    )

    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert opportunity.probability == 10 and opportunity.stage_changes.count() == 1


def test_create_page_preselects_the_customer_from_the_query(client, rep, customer):
    ContactFactory(customer=customer, name="Pat Buyer")
    client.force_login(rep)

    body = client.get(CREATE, {"customer": customer.pk}).content.decode()

    assert 'value="Acme Logistics Ltd"' in body and "Pat Buyer" in body


def test_create_with_bad_input_shows_messages_and_creates_nothing(client, rep, customer):
    client.force_login(rep)

    response = client.post(
        CREATE,
        {
            "customer": customer.pk,
            "title": "",
            "amount": "-5",
            "currency": "EUR",
            "stage": stage("lost").pk,
            "owner": rep.pk,
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "Ensure this value is greater than or equal to 0." in body
    assert "Say why the opportunity was lost." in body
    assert not Opportunity.objects.exists()


def test_create_for_another_owners_customer_is_a_form_error(client, rep, foreign_customer):
    client.force_login(rep)

    response = client.post(
        CREATE,
        {
            "customer": foreign_customer.pk,
            "title": "Poached",
            "amount": "1",
            "currency": "EUR",
            "stage": stage("prospecting").pk,
            "owner": rep.pk,
        },
    )

    assert response.status_code == 200
    assert "that one is not available" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_edit_moving_stage_records_the_change(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)

    response = client.post(
        reverse("sales:opportunity-update", args=[opportunity.pk]),
        _edit_data(opportunity, stage=stage("negotiation").pk, next_step="Send contract"),
    )

    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "negotiation" and opportunity.probability == 75
    assert opportunity.next_step == "Send contract"
    assert StageChange.objects.filter(opportunity=opportunity, to_stage__code="negotiation").exists()


def test_edit_of_a_changed_record_shows_the_conflict_and_keeps_the_values(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    stale = _edit_data(opportunity, title="My title")
    Opportunity.objects.filter(pk=opportunity.pk).update(version=2, title="Their title")
    client.force_login(rep)

    response = client.post(reverse("sales:opportunity-update", args=[opportunity.pk]), stale)

    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="version-conflict"' in body
    assert 'value="My title"' in body
    opportunity.refresh_from_db()
    assert opportunity.title == "Their title"


def test_edit_with_contact_of_another_customer_is_refused(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    stray = ContactFactory(customer=CustomerFactory(owner=rep))
    client.force_login(rep)

    response = client.post(
        reverse("sales:opportunity-update", args=[opportunity.pk]), _edit_data(opportunity, contact=stray.pk)
    )

    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.contact is None and opportunity.version == 1


def test_delete_moves_to_the_recycle_bin(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    client.force_login(rep)
    url = reverse("sales:opportunity-delete", args=[opportunity.pk])

    assert "Fleet renewal" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302 and response.url == LIST
    assert not Opportunity.objects.exists() and Opportunity.all_objects.exists()


def test_history_page_lists_changes(client, rep, customer):
    from sales.services.opportunities import opportunity_update

    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    opportunity_update(opportunity=opportunity, by=rep, title="Fleet renewal 2027")
    client.force_login(rep)

    response = client.get(reverse("sales:opportunity-history", args=[opportunity.pk]))

    assert response.status_code == 200 and "Fleet renewal 2027" in response.content.decode()


def test_qualify_button_shows_only_on_a_lead_the_user_may_change(client, rep, customer):
    lead = CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.LEAD)
    client.force_login(rep)
    url = reverse("sales:lead-qualify", args=[lead.pk])

    assert url in client.get(lead.get_absolute_url()).content.decode()
    assert (
        reverse("sales:lead-qualify", args=[customer.pk])
        not in client.get(customer.get_absolute_url()).content.decode()
    )


def test_qualify_moves_the_lead_to_prospect_and_opens_the_opportunity(client, rep):
    lead = CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.LEAD, name="Blue Harbour")
    client.force_login(rep)
    url = reverse("sales:lead-qualify", args=[lead.pk])

    assert 'value="Blue Harbour"' in client.get(url).content.decode()
    response = client.post(url, {"title": "First order", "amount": "900", "expected_close_date": "2027-02-01"})

    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    lead.refresh_from_db()
    assert lead.lifecycle_stage == Customer.Stage.PROSPECT and opportunity.title == "First order"


def test_qualify_with_bad_input_shows_messages_and_changes_nothing(client, rep):
    lead = CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.LEAD)
    client.force_login(rep)

    response = client.post(reverse("sales:lead-qualify", args=[lead.pk]), {"title": "", "amount": "lots"})

    body = response.content.decode()
    assert response.status_code == 200 and "This field is required." in body and "Enter a number." in body
    lead.refresh_from_db()
    assert lead.lifecycle_stage == Customer.Stage.LEAD and not Opportunity.objects.exists()


def test_qualify_a_customer_that_is_no_lead_says_so(client, rep, customer):
    client.force_login(rep)

    response = client.post(reverse("sales:lead-qualify", args=[customer.pk]), {"title": "Again", "amount": "5"})

    assert response.status_code == 200 and "Only a lead can be qualified" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_planted_customer_id_does_not_list_that_customers_contacts(client, rep, foreign_customer):
    ContactFactory(customer=foreign_customer, name="Zoe Secret")
    client.force_login(rep)

    response = client.post(CREATE, {"customer": foreign_customer.pk, "title": "Poached", "amount": "1"})

    body = response.content.decode()
    assert response.status_code == 200 and "Zoe Secret" not in body and "Zenith Foods" not in body


def test_the_opportunity_page_shows_the_customers_latest_interactions(client, rep, customer):
    from tests.factories.customers import InteractionFactory

    opportunity = OpportunityFactory(customer=customer, owner=rep)
    for number in range(7):
        InteractionFactory(customer=customer, subject=f"Call {number}")
    client.force_login(rep)

    html = client.get(reverse("sales:opportunity-detail", args=[opportunity.pk])).content.decode()

    section = html[html.index('data-testid="opportunity-interactions"') :]
    section = section[: section.index("</section>")]
    assert section.count("list-group-item small") == 5
    assert reverse("customers:interaction-create", args=[customer.pk]) in section
    assert "The whole timeline" in section


def test_the_interactions_card_is_left_out_for_a_customer_outside_reach(client, rep, foreign_customer):
    opportunity = OpportunityFactory(customer=foreign_customer, owner=rep)
    client.force_login(rep)

    response = client.get(reverse("sales:opportunity-detail", args=[opportunity.pk]))

    assert response.status_code == 200
    assert 'data-testid="opportunity-interactions"' not in response.content.decode()
