"""Every URL of quotes and line items that names a record (an opportunity, its line, a quote or the quote's line)
answers 404 outside the user's reach and 403 without the permission, alone or mixed with the user's own records,
and changes nothing; the same submissions go through on the user's own records. Built on the shared sweep
(tests/sweep.py); a new quote or line page this sweep does not know fails here until it is added."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from sales.models import (
    Opportunity,
    OpportunityLine,
    Order,
    OrderLine,
    OrderNumberSequence,
    Product,
    Quote,
    QuoteLine,
)
from sales.services.opportunities import opportunity_line_add
from sales.services.quotes import quote_create, quote_send
from sales.urls import urlpatterns as sales_urlpatterns
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales import OpportunityFactory, ProductFactory
from tests.sweep import ScopeSweep

# This sweep covers quotes and the line items of opportunities and quotes; the other sales sweeps cover the rest
# (tests/sales/test_orders_scope_sweep.py checks that together they cover every sales URL).
QUOTE_URL_PREFIXES = ("quote-", "opportunity-line-")
urlpatterns = [p for p in sales_urlpatterns if p.name.startswith(QUOTE_URL_PREFIXES)]

pytestmark = pytest.mark.django_db

OPPORTUNITY = lambda t: {"pk": t["opportunity"].pk}  # noqa: E731
QUOTE = lambda t: {"pk": t["quote"].pk}  # noqa: E731
SENT = lambda t: {"pk": t["sent"].pk}  # noqa: E731
KWARGS = {
    "opportunity-line-create": OPPORTUNITY,
    "opportunity-line-update": lambda t: {"pk": t["opportunity"].pk, "line_pk": t["opportunity_line"].pk},
    "opportunity-line-remove": lambda t: {"pk": t["opportunity"].pk, "line_pk": t["opportunity_line"].pk},
    "quote-create": OPPORTUNITY,
    "quote-detail": QUOTE,
    "quote-print": QUOTE,
    "quote-update": QUOTE,
    "quote-delete": QUOTE,
    "quote-history": QUOTE,
    "quote-send": QUOTE,
    "quote-accept": SENT,
    "quote-decline": SENT,
    "quote-revise": SENT,
    "quote-line-create": QUOTE,
    "quote-line-update": lambda t: {"pk": t["quote"].pk, "line_pk": t["quote_line"].pk},
    "quote-line-remove": lambda t: {"pk": t["quote"].pk, "line_pk": t["quote_line"].pk},
}
WITHOUT_RECORD = {"quote-list", "quote-export"}


def _in_a_month() -> str:
    return (timezone.localdate() + timezone.timedelta(days=30)).isoformat()


POST_DATA = {
    "opportunity-line-create": lambda user, own: {
        "product": own["product"].pk,
        "quantity": "3",
        "discount_percent": "5",
        "version": own["opportunity"].version,
    },
    "opportunity-line-update": lambda user, own: {
        "quantity": "4",
        "discount_percent": "10",
        "version": own["opportunity"].version,
    },
    "opportunity-line-remove": lambda user, own: {"version": own["opportunity"].version},
    "quote-create": lambda user, own: {"valid_until": _in_a_month(), "tax_rate_percent": "20", "notes": "Net 30"},
    "quote-update": lambda user, own: {
        "valid_until": _in_a_month(),
        "tax_rate_percent": "7.5",
        "notes": "Delivery included",
        "version": own["quote"].version,
    },
    "quote-delete": lambda user, own: {},
    "quote-send": lambda user, own: {"version": own["quote"].version},
    "quote-accept": lambda user, own: {"version": own["sent"].version},
    "quote-decline": lambda user, own: {"version": own["sent"].version},
    "quote-revise": lambda user, own: {"version": own["sent"].version},
    "quote-line-create": lambda user, own: {
        "product": own["product"].pk,
        "quantity": "1",
        "discount_percent": "0",
        "version": own["quote"].version,
    },
    "quote-line-update": lambda user, own: {
        "quantity": "5",
        "discount_percent": "2.5",
        "version": own["quote"].version,
    },
    "quote-line-remove": lambda user, own: {"version": own["quote"].version},
}

SWEEP = ScopeSweep(
    namespace="sales",
    urlpatterns=urlpatterns,
    kwargs=KWARGS,
    without_record=WITHOUT_RECORD,
    post_data=POST_DATA,
    models=[Opportunity, OpportunityLine, Quote, QuoteLine, Order, OrderLine, OrderNumberSequence, Customer, Product],
    foreign_values={Customer: lambda t: t["customer"].pk, Opportunity: lambda t: t["opportunity"].pk},
)
RECORD_URL_NAMES = SWEEP.record_url_names
ATTACKERS = ["teammate", "outsider", "other_manager"]


def records_of(owner, name: str) -> dict:
    """A customer of `owner` with an open opportunity holding a line, a draft quote of it and a sent one."""
    customer = CustomerFactory(owner=owner, name=name)
    product = ProductFactory(name=f"{name}: crane hire", unit_price=Decimal("250.00"), currency="EUR")
    opportunity = OpportunityFactory(customer=customer, owner=owner, title=f"{name}: fleet renewal", currency="EUR")
    line = opportunity_line_add(opportunity=opportunity, by=owner, product=product, quantity=2)
    draft = quote_create(opportunity=opportunity, by=owner)
    sent = quote_create(opportunity=opportunity, by=owner)
    quote_send(quote=sent, by=owner)
    return {
        "customer": customer,
        "product": product,
        "opportunity": Opportunity.objects.get(pk=opportunity.pk),
        "opportunity_line": line,
        "quote": Quote.objects.get(pk=draft.pk),
        "quote_line": draft.lines.get(),
        "sent": Quote.objects.get(pk=sent.pk),
    }


@pytest.fixture
def target(rep, manager):
    return records_of(rep, "Acme Logistics Ltd")


def test_sweep_knows_every_quote_and_line_url():
    SWEEP.assert_knows_every_url()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", RECORD_URL_NAMES)
def test_user_outside_reach_gets_404_and_changes_nothing(client, request, target, name, attacker_kind, method):
    # given: another rep (in the same team or not) or the manager of another team, with records of their own
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    # when / then: alone, and mixed with the attacker's own records (their opportunity with the target's line...)
    SWEEP.assert_refused(client, user=attacker, name=name, target=target, own=own, method=method)


def test_the_forms_choose_no_owned_record_but_the_one_in_the_url(client, outsider, target):
    own = records_of(outsider, "Otto's customer")

    checked = {
        name: SWEEP.assert_foreign_keys_refused(client, user=outsider, name=name, target=target, own=own)
        for name in SWEEP.form_url_names
    }

    # The product is the catalogue's (not owned); the record a line or quote belongs to comes from the URL only.
    assert checked == dict.fromkeys(SWEEP.form_url_names, [])


@pytest.mark.parametrize("name", SWEEP.form_url_names)
def test_the_same_form_submissions_go_through_on_own_records(client, outsider, name):
    SWEEP.assert_accepted(client, user=outsider, name=name, own=records_of(outsider, "Otto's customer"))


@pytest.mark.parametrize(
    ("name", "changed"),
    [
        ("opportunity-line-remove", lambda own: not OpportunityLine.objects.filter(pk=own["opportunity_line"].pk)),
        ("quote-send", lambda own: Quote.objects.get(pk=own["quote"].pk).status == "sent"),
        ("quote-accept", lambda own: Quote.objects.get(pk=own["sent"].pk).status == "accepted"),
        ("quote-decline", lambda own: Quote.objects.get(pk=own["sent"].pk).status == "declined"),
        ("quote-revise", lambda own: Quote.objects.get(pk=own["sent"].pk).status == "draft"),
        ("quote-line-remove", lambda own: not QuoteLine.objects.filter(pk=own["quote_line"].pk)),
        ("quote-delete", lambda own: not Quote.objects.filter(pk=own["quote"].pk)),
    ],
)
@pytest.mark.parametrize("user_kind", ["outsider", "other_manager"])
def test_the_same_actions_go_through_on_records_in_reach(client, request, outsider, name, changed, user_kind):
    # given: Otto's records, and Otto or the manager of his team
    own = records_of(outsider, "Otto's customer")
    client.force_login(request.getfixturevalue(user_kind))

    response = client.post(SWEEP.url(name, own), SWEEP.submission(name, outsider, own))

    assert response.status_code == 302
    assert changed(own)


@pytest.mark.parametrize(
    ("name", "user_kind"),
    [(n, kind) for n in RECORD_URL_NAMES if SWEEP.accepts(n, "get") for kind in ("rep", "manager", "administrator")],
)
def test_owner_their_manager_and_administrator_open_the_page(client, request, target, name, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(SWEEP.url(name, target))

    assert response.status_code == 200
    body = response.content.decode()
    assert target["quote"].number in body or "Acme Logistics Ltd" in body


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", RECORD_URL_NAMES)
def test_anonymous_user_is_sent_to_login_and_changes_nothing(client, target, name, method):
    url = SWEEP.url(name, target)
    before = SWEEP.snapshot()

    response = getattr(client, method)(url)

    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={url}"
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", [*RECORD_URL_NAMES, *sorted(WITHOUT_RECORD)])
def test_user_without_role_gets_403_even_on_own_records(client, target, name, method):
    nobody = UserFactory(username="no.role")
    Opportunity.objects.filter(pk=target["opportunity"].pk).update(owner=nobody)
    Customer.objects.filter(pk=target["customer"].pk).update(owner=nobody)
    client.force_login(nobody)
    before = SWEEP.snapshot()
    url = SWEEP.url(name, target)

    response = client.get(url) if method == "get" else client.post(url, SWEEP.submission(name, nobody, target))

    assert response.status_code == 403  # the permission check comes before the method and the lookup
    assert SWEEP.snapshot() == before
