"""The quote admin keeps a staff user to the quotes they reach and saves, deletes and changes status through the
quote services: a quote added there is numbered and copies its opportunity's lines, a sent one is not edited."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sales.models import Opportunity, Quote
from sales.services.opportunities import opportunity_line_add
from sales.services.quotes import quote_create, quote_send
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_quote_changelist")


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


@pytest.fixture
def opportunity(rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal", currency="EUR")
    product = ProductFactory(sku="SCAN", unit_price=Decimal("19.99"), currency="EUR")
    opportunity_line_add(opportunity=opportunity, by=rep, product=product, quantity=3)
    return Opportunity.objects.get(pk=opportunity.pk)


def _lines_management() -> dict:
    return {
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }


def test_a_staff_manager_lists_only_the_teams_quotes(client, staff_manager, rep, outsider, opportunity):
    own = quote_create(opportunity=opportunity, by=rep)
    south = quote_create(opportunity=OpportunityFactory(customer=CustomerFactory(owner=outsider)), by=outsider)
    client.force_login(staff_manager)

    body = client.get(CHANGELIST).content.decode()

    assert own.number in body and south.number not in body
    assert client.get(reverse("admin:sales_quote_change", args=[south.pk])).status_code == 302


def test_a_quote_added_in_the_admin_is_numbered_and_copies_the_lines(client, administrator, opportunity):
    client.force_login(administrator)
    valid_until = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()

    response = client.post(
        reverse("admin:sales_quote_add"),
        {
            "opportunity": opportunity.pk,
            "valid_until": valid_until,
            "tax_rate_percent": "0",
            "notes": "Admin terms",
            **_lines_management(),
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    quote = Quote.objects.get()
    assert (quote.number, quote.tax_rate_percent, quote.notes, quote.currency) == (
        "Q-000001",
        Decimal("0"),
        "Admin terms",
        "EUR",
    )
    assert list(quote.lines.values_list("quantity", "unit_price")) == [(3, Decimal("19.99"))]
    assert quote.history.get().history_user == administrator


def test_a_sent_quote_is_read_only_in_the_admin_and_status_actions_use_the_services(
    client, administrator, rep, opportunity
):
    draft = quote_create(opportunity=opportunity, by=rep)
    sent = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=sent, by=rep)
    client.force_login(administrator)

    change = client.get(reverse("admin:sales_quote_change", args=[sent.pk])).content.decode()
    response = client.post(
        CHANGELIST, {"action": "quote_accept_action", "_selected_action": [draft.pk, sent.pk]}, follow=True
    )

    assert 'name="notes"' not in change  # shown, not editable
    text = response.content.decode()
    assert f"{draft.number}: Only a sent quote can be accepted." in text
    assert [Quote.objects.get(pk=q.pk).status for q in (draft, sent)] == ["draft", "accepted"]


def test_deleting_in_the_admin_goes_to_the_recycle_bin(client, administrator, rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)
    client.force_login(administrator)

    response = client.post(reverse("admin:sales_quote_delete", args=[quote.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Quote.objects.exists() and Quote.all_objects.get().deletion is not None
