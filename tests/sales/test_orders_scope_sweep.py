"""Every order URL that names an order answers 404 outside the user's reach and 403 without the permission;
another owner's customer or opportunity planted in an order form is refused; nothing changes either way. Built on
the shared sweep (tests/sweep.py); a new order page this sweep does not know fails here until it is added."""

import pytest
from django.urls import reverse

from customers.models import Customer
from sales.models import Opportunity, Order, OrderLine, OrderNumberSequence, Product, Stage
from sales.services.orders import LineInput, order_confirm, order_create
from sales.urls import urlpatterns as sales_urlpatterns
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales_orders import OrderProductFactory
from tests.sweep import ScopeSweep

# This sweep covers orders and returns; the other sales sweep covers the rest of the app's URLs, and together they
# cover every one (tests/sales/test_orders_scope_sweep.py checks the union).
ORDER_URL_PREFIXES = ("order-", "return-")
urlpatterns = [p for p in sales_urlpatterns if p.name.startswith(ORDER_URL_PREFIXES)]

pytestmark = pytest.mark.django_db

KWARGS = {
    "order-detail": lambda t: {"pk": t["order"].pk},
    "order-update": lambda t: {"pk": t["order"].pk},
    "order-delete": lambda t: {"pk": t["order"].pk},
    "order-confirm": lambda t: {"pk": t["order"].pk},
    "order-cancel": lambda t: {"pk": t["order"].pk},
    "order-ship": lambda t: {"pk": t["confirmed"].pk},
    "order-paid": lambda t: {"pk": t["confirmed"].pk},
    "return-create": lambda t: {"pk": t["confirmed"].pk},
}
WITHOUT_RECORD = {"order-list", "order-export", "order-create"}


def _order_form(own) -> dict:
    return {
        "customer": own["customer"].pk,
        "ordered_at": "2026-11-30T10:00",
        "ship_to_country": "GB",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": own["product"].pk,
        "lines-0-quantity": "1",
        "lines-0-discount_percent": "0",
    }


POST_DATA = {
    "order-create": lambda user, own: _order_form(own),
    "order-update": lambda user, own: {**_order_form(own), "version": own["order"].version},
    "order-confirm": lambda user, own: {"version": own["order"].version},
    "order-cancel": lambda user, own: {"version": own["order"].version},
    "order-ship": lambda user, own: {"version": own["confirmed"].version},
    "order-paid": lambda user, own: {"version": own["confirmed"].version},
    "return-create": lambda user, own: {f"product_{own['product'].pk}": "1"},
}

SWEEP = ScopeSweep(
    namespace="sales",
    urlpatterns=urlpatterns,
    kwargs=KWARGS,
    without_record=WITHOUT_RECORD,
    post_data=POST_DATA,
    models=[Order, OrderLine, Product, OrderNumberSequence, Customer],
    foreign_values={Customer: lambda t: t["customer"].pk, Opportunity: lambda t: t["opportunity"].pk},
)
ORDER_URL_NAMES = SWEEP.record_url_names
ATTACKERS = ["teammate", "outsider", "other_manager"]


def records_of(owner, name: str) -> dict:
    """A customer of `owner` with an opportunity, a draft order and a confirmed one."""
    customer = CustomerFactory(owner=owner, name=name)
    product = OrderProductFactory(name=f"{name}: widget", stock_on_hand=50)
    opportunity = Opportunity.objects.create(
        customer=customer, owner=owner, title=f"{name}: renewal", stage=Stage.objects.order_by("position").first()
    )
    draft = order_create(by=owner, customer=customer, lines=[LineInput(product=product, quantity=2)])
    confirmed = order_create(by=owner, customer=customer, lines=[LineInput(product=product, quantity=3)])
    order_confirm(order=confirmed, by=owner)
    return {
        "customer": customer,
        "product": product,
        "opportunity": opportunity,
        "order": Order.objects.get(pk=draft.pk),
        "confirmed": Order.objects.get(pk=confirmed.pk),
    }


@pytest.fixture
def target(rep, manager):
    return records_of(rep, "Acme Logistics Ltd")


def test_sweep_knows_every_order_url():
    SWEEP.assert_knows_every_url()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", ORDER_URL_NAMES)
def test_user_outside_reach_gets_404_and_changes_nothing(client, request, target, name, attacker_kind, method):
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    SWEEP.assert_refused(client, user=attacker, name=name, target=target, own=own, method=method)


@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", SWEEP.form_url_names)
def test_other_owners_customer_planted_in_an_order_form_is_refused(client, request, target, name, attacker_kind):
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    SWEEP.assert_foreign_keys_refused(client, user=attacker, name=name, target=target, own=own)


def test_foreign_key_sweep_covers_customer_and_opportunity(client, outsider, target):
    own = records_of(outsider, "Otto's customer")
    checked = {
        name: SWEEP.assert_foreign_keys_refused(client, user=outsider, name=name, target=target, own=own)
        for name in SWEEP.form_url_names
    }

    assert {name: fields for name, fields in checked.items() if fields} == {
        "order-create": ["customer", "opportunity"],
        "order-update": ["customer", "opportunity"],
    }


@pytest.mark.parametrize("name", [n for n in sorted(POST_DATA) if n in SWEEP.form_url_names])
def test_the_same_submissions_go_through_on_own_records(client, outsider, name):
    SWEEP.assert_accepted(client, user=outsider, name=name, own=records_of(outsider, "Otto's customer"))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ORDER_URL_NAMES)
def test_anonymous_user_is_sent_to_login_and_changes_nothing(client, target, name, method):
    url = SWEEP.url(name, target)
    before = SWEEP.snapshot()

    response = getattr(client, method)(url)

    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url == f"{reverse('login')}?next={url}"
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize(
    ("name", "user_kind"),
    [(n, kind) for n in ORDER_URL_NAMES if SWEEP.accepts(n, "get") for kind in ("rep", "manager", "administrator")],
)
def test_owner_their_manager_and_administrator_open_the_page(client, request, target, name, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(SWEEP.url(name, target))

    assert response.status_code == 200
    assert (
        target["order"].number in response.content.decode() or target["confirmed"].number in response.content.decode()
    )


@pytest.mark.parametrize("name", [n for n in ORDER_URL_NAMES if SWEEP.accepts(n, "post")])
def test_manager_of_the_owners_team_can_submit(client, target, manager, name):
    own = {**target, "customer": target["customer"]}
    client.force_login(manager)

    response = client.post(SWEEP.url(name, target), SWEEP.submission(name, manager, own))

    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", [*ORDER_URL_NAMES, *sorted(WITHOUT_RECORD)])
def test_user_without_role_gets_403_and_changes_nothing(client, target, name, method):
    nobody = UserFactory(username="no.role")
    Customer.objects.filter(pk=target["customer"].pk).update(owner=nobody)
    client.force_login(nobody)
    before = SWEEP.snapshot()
    url = SWEEP.url(name, target)

    response = client.get(url) if method == "get" else client.post(url, SWEEP.submission(name, nobody, target))

    assert response.status_code == 403  # the permission check comes before the method and the lookup
    assert SWEEP.snapshot() == before


def test_the_sales_sweeps_together_cover_every_sales_url():
    from tests.sales import test_quotes_scope_sweep as quotes
    from tests.sales import test_sales_scope_sweep as pipeline
    from tests.sales import test_tasks_scope_sweep as tasks

    covered = set()
    for sweep in (SWEEP, pipeline.SWEEP, quotes.SWEEP, tasks.SWEEP):
        covered |= set(sweep.kwargs) | sweep.without_record
    assert covered == {p.name for p in sales_urlpatterns}
