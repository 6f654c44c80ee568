"""A lead from the web form is worked like any lead: its new owner finds it from the notification, sees its message
on its page with the Qualify button, and qualifying it makes it a prospect with its first opportunity."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Notification
from customers.models import Customer
from sales.models import Opportunity
from tests.customers._support import page_text
from tests.factories.leads import LeadFormFactory
from tests.sales._leads import send

pytestmark = pytest.mark.django_db


def test_the_assignee_qualifies_a_web_lead_from_its_page(client, manager, rep):
    # given: a visitor sent the North team's form and the lead went to `rep`
    cache.clear()
    lead_form = LeadFormFactory(team=rep.teams.get(), name="Website")
    send(client, lead_form, {"company": "Blue Harbour Ltd", "message": "Forty scanners, please."})
    lead = Customer.objects.get()
    note = Notification.objects.get(recipient=rep)

    # when: the rep follows the notification's link
    client.force_login(rep)
    page = client.get(note.url)

    # then: the page shows the message and offers to qualify the lead, which opens its first opportunity
    assert page.status_code == 200 and "Forty scanners, please." in page_text(page)
    qualify = reverse("sales:lead-qualify", args=[lead.pk])
    assert qualify in page_text(page)
    response = client.post(qualify, {"title": "Scanners", "amount": "12000"})
    assert response.status_code == 302
    lead.refresh_from_db()
    opportunity = Opportunity.objects.get()
    assert lead.lifecycle_stage == Customer.Stage.PROSPECT
    assert (opportunity.customer, opportunity.owner, opportunity.source) == (lead, rep, "website")


def test_the_teams_manager_reaches_the_web_lead_and_other_reps_do_not(client, manager, rep, teammate, outsider):
    cache.clear()
    send(client, LeadFormFactory(team=rep.teams.get()))
    lead = Customer.objects.get()

    client.force_login(manager)
    assert client.get(lead.get_absolute_url()).status_code == 200
    for other in (teammate, outsider):
        client.force_login(other)
        assert client.get(lead.get_absolute_url()).status_code == 404
