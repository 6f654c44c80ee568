"""Every page sends the Content-Security-Policy and runs no inline script; pages with customer data, and the
export, are never stored by browsers or proxies."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import URLResolver, get_resolver, reverse

from security.services import recovery_codes_create
from tests.customers._support import page_text
from tests.factories.customers import PASSWORD, ContactFactory, CustomerFactory, InteractionFactory, RelationshipFactory
from tests.factories.sales import OpportunityFactory, ProductFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)

# URL names not fetched with GET as a page, and why.
NOT_PAGES = {
    "logout": "POST only",
    "set_language": "POST only",
    "health": "JSON for the load balancer",
    "favicon": "a redirect to the static icon",
    "customers:customer-autocomplete": "JSON",
    "login": "for anonymous users (fetched in its own test)",
    "security:sign-in-code": "needs a password step first (fetched in its own test)",
    "records:deletion-restore": "POST only",
    "records:deletion-purge": "POST only",
    "customers:customer-bulk": "POST only (its confirmation page is checked in tests/customers/test_customer_bulk.py)",
    "sales:order-confirm": "POST only",
    "sales:order-cancel": "POST only",
    "sales:order-ship": "POST only",
    "sales:order-paid": "POST only",
    "sales:opportunity-move": "POST only (the board's moves)",
    # Public and embeddable: frame-ancestors names each form's origins (tests/sales/test_lead_form_embedding.py).
    "leads:form": "public, framed by its form's origins (tested in tests/sales/test_lead_form_embedding.py)",
    "leads:form-thanks": "public, framed by its form's origins (tested in tests/sales/test_lead_form_embedding.py)",
    "sales:opportunity-line-remove": "POST only",
    "sales:quote-send": "POST only",
    "sales:quote-accept": "POST only",
    "sales:quote-decline": "POST only",
    "sales:quote-revise": "POST only",
    "sales:quote-line-remove": "POST only",
    "sales:opportunity-autocomplete": "JSON",
    "sales:task-complete": "POST only",
    "sales:task-reopen": "POST only",
    "accounts:notification-open": "POST only",
    "accounts:notifications-read-all": "POST only",
}


def _policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ") if part}


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # the admin has its own test below
            yield from _url_names(
                pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            )
        elif pattern.name:
            yield prefix + pattern.name


def _orders(customer):
    """A draft order and a confirmed one of `customer`, for the order pages."""
    from sales.services.orders import LineInput, order_confirm, order_create
    from tests.factories.sales_orders import OrderProductFactory

    product = OrderProductFactory(stock_on_hand=10)
    draft = order_create(by=customer.owner, customer=customer, lines=[LineInput(product=product, quantity=1)])
    confirmed = order_create(by=customer.owner, customer=customer, lines=[LineInput(product=product, quantity=2)])
    order_confirm(order=confirmed, by=customer.owner)
    return draft, confirmed


def _quote(opportunity):
    """An opportunity with a line and a draft quote of it, for the line and quote pages."""
    from sales.services.opportunities import opportunity_line_add
    from sales.services.quotes import quote_create

    product = ProductFactory(sku="QUOTED-1", currency=opportunity.currency)
    line = opportunity_line_add(opportunity=opportunity, by=opportunity.owner, product=product, quantity=1)
    quote = quote_create(opportunity=opportunity, by=opportunity.owner)
    return line, quote


@pytest.fixture
def pages(administrator, customer, foreign_customer):
    contact = ContactFactory(customer=customer)
    interaction = InteractionFactory(customer=customer)
    relationship = RelationshipFactory(from_customer=customer, to_customer=foreign_customer)
    pk = {"pk": customer.pk}
    draft, confirmed = _orders(customer)
    opportunity_row = OpportunityFactory(customer=customer)
    opportunity = {"pk": opportunity_row.pk}
    line, quote = _quote(opportunity_row)
    quote_pk = {"pk": quote.pk}
    # Its own SKU: ProductFactory and the order tests' product factory count SKUs separately and can meet.
    product = {"pk": ProductFactory(sku="HEADERS-1").pk}
    lead = {"pk": CustomerFactory(owner=customer.owner, lifecycle_stage="lead").pk}
    task = {"pk": TaskFactory(customer=customer).pk}
    return {
        "sales:task-list": {},
        "sales:task-export": {},
        "sales:task-create": {},
        "sales:task-detail": task,
        "sales:task-update": task,
        "sales:task-delete": task,
        "sales:task-history": task,
        "sales:quotas": {},
        "home": {},
        "sales:order-list": {},
        "sales:order-export": {},
        "sales:order-create": {},
        "sales:order-detail": {"pk": draft.pk},
        "sales:order-update": {"pk": draft.pk},
        "sales:order-delete": {"pk": draft.pk},
        "sales:return-create": {"pk": confirmed.pk},
        "sales:pipeline": {},
        "sales:opportunity-list": {},
        "sales:opportunity-export": {},
        "sales:opportunity-create": {},
        "sales:opportunity-detail": opportunity,
        "sales:opportunity-update": opportunity,
        "sales:opportunity-delete": opportunity,
        "sales:opportunity-history": opportunity,
        "sales:lead-qualify": lead,
        "sales:opportunity-line-create": opportunity,
        "sales:opportunity-line-update": {**opportunity, "line_pk": line.pk},
        "sales:quote-create": opportunity,
        "sales:quote-list": {},
        "sales:quote-export": {},
        "sales:quote-detail": quote_pk,
        "sales:quote-print": quote_pk,
        "sales:quote-update": quote_pk,
        "sales:quote-delete": quote_pk,
        "sales:quote-history": quote_pk,
        "sales:quote-line-create": quote_pk,
        "sales:quote-line-update": {**quote_pk, "line_pk": quote.lines.get().pk},
        "sales:product-list": {},
        "sales:product-create": {},
        "sales:product-detail": product,
        "sales:product-update": product,
        "password_change": {},
        "password_change_done": {},
        "customers:customer-list": {},
        "customers:customer-export": {},
        "customers:customer-create": {},
        "customers:customer-detail": pk,
        "customers:customer-update": pk,
        "customers:customer-delete": pk,
        "customers:customer-history": pk,
        "customers:contact-create": pk,
        "customers:contact-update": {**pk, "contact_pk": contact.pk},
        "customers:contact-delete": {**pk, "contact_pk": contact.pk},
        "customers:interaction-create": pk,
        "customers:interaction-update": {**pk, "interaction_pk": interaction.pk},
        "customers:interaction-delete": {**pk, "interaction_pk": interaction.pk},
        "customers:relationship-create": pk,
        "customers:relationship-update": {**pk, "relationship_pk": relationship.pk},
        "customers:relationship-delete": {**pk, "relationship_pk": relationship.pk},
        "security:two-factor": {},
        "security:two-factor-enrol": {},
        "security:recovery-codes": {},
        "security:two-factor-disable": {},
        "customers:customer-personal-data": pk,
        "customers:customer-erase": pk,
        "customers:contact-personal-data": {**pk, "contact_pk": contact.pk},
        "customers:contact-erase": {**pk, "contact_pk": contact.pk},
        "records:recycle-bin": {},
        "records:audit-log": {},
        "accounts:profile": {},
        "accounts:notifications": {},
        "password_reset": {},
        "password_reset_done": {},
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},  # the page for a link that fails
        "password_reset_complete": {},
    }


def test_every_page_is_known_to_this_test(pages):
    unknown = set(_url_names(get_resolver().url_patterns)) - set(pages) - set(NOT_PAGES)

    assert not unknown, f"add these pages to the header test: {sorted(unknown)}"


def test_every_page_sends_the_policy_and_no_store_and_has_no_inline_script(client, administrator, pages):
    client.force_login(administrator)
    recovery_codes_create(user=administrator)  # so that the recovery codes page shows
    for name, kwargs in pages.items():
        response = client.get(reverse(name, kwargs=kwargs))
        # then
        assert response.status_code == 200, name
        assert _policy(response) == POLICY, name
        assert "no-store" in response["Cache-Control"], name
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), name
            assert not INLINE_STYLE.search(html), name
            assert not EVENT_HANDLER.search(html), name


@pytest.mark.parametrize(
    "name, args",
    [
        ("admin:index", []),
        ("admin:customers_customer_changelist", []),
        ("admin:customers_customer_add", []),
        ("admin:customers_customer_change", ["customer"]),
        ("admin:customers_customer_history", ["customer"]),
        ("admin:auth_user_changelist", []),
        ("admin:auth_group_changelist", []),
        ("admin:axes_accessattempt_changelist", []),
    ],
)
def test_admin_pages_send_the_policy_and_no_store_and_have_no_inline_script(
    client, administrator, customer, name, args
):
    client.force_login(administrator)

    response = client.get(reverse(name, args=[customer.pk if arg == "customer" else arg for arg in args]))

    assert response.status_code == 200
    assert _policy(response) == POLICY
    assert "no-store" in response["Cache-Control"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_sign_in_pages_for_anonymous_users_send_the_policy(client, rep):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=rep, name="Authenticator app", confirmed=True)
    login = client.get(reverse("login"))
    client.post(reverse("login"), {"username": "rep.one", "password": PASSWORD})
    code = client.get(reverse("security:sign-in-code"))
    missing = client.get("/no-such-page/")

    for response in (login, code, missing):
        assert _policy(response) == POLICY
        assert not INLINE_SCRIPT.search(response.content.decode())
    assert code.status_code == 200 and "Enter your code" in page_text(code)


def test_the_lockout_page_sends_the_policy(client, rep):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "rep.one", "password": "wrong-password"})

    assert response.status_code == 429
    assert _policy(response) == POLICY and not INLINE_SCRIPT.search(response.content.decode())


def test_the_export_is_not_stored(client, rep, customer):
    client.force_login(rep)

    response = client.get(reverse("customers:customer-export"))

    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_responses_without_customer_data_for_anonymous_users_may_be_cached(client):
    response = client.get(reverse("health"))

    assert "no-store" not in response.get("Cache-Control", "")


def test_the_server_error_page_has_no_inline_style_or_script():
    html = render_to_string("500.html")

    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)
