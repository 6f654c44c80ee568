"""Every sales URL that names an opportunity (or a customer, to qualify it) answers 404 outside the user's reach,
and 403 without the permission; another owner's customer, contact or user planted in a form is refused. Built on
the shared sweep (tests/sweep.py). Products are not owned: every sales user reads them (tests/sales/
test_products_views.py checks who may change them).

The URL names come from sales.urls, so a new sales page that this sweep does not know fails here until it is
added to KWARGS or WITHOUT_RECORD (and, if it has a form, to POST_DATA).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import Contact, Customer
from sales.models import Opportunity, Product, StageChange
from sales.urls import urlpatterns as sales_urlpatterns
from tests.factories.customers import ContactFactory, CustomerFactory, UserFactory
from tests.factories.sales import OpportunityFactory, ProductFactory, stage
from tests.sweep import ScopeSweep

# This sweep covers the pipeline, opportunities, leads and products; the other sales sweeps cover the rest of the
# app's URLs (orders and returns; quotes and line items; tasks and quotas), and together they cover every one
# (tests/sales/test_orders_scope_sweep.py checks the union).
OTHER_SWEEPS_URL_PREFIXES = ("order-", "return-", "quote-", "opportunity-line-", "task-", "quota")
urlpatterns = [p for p in sales_urlpatterns if not p.name.startswith(OTHER_SWEEPS_URL_PREFIXES)]

pytestmark = pytest.mark.django_db

KWARGS = {
    "opportunity-detail": lambda t: {"pk": t["opportunity"].pk},
    "opportunity-update": lambda t: {"pk": t["opportunity"].pk},
    "opportunity-delete": lambda t: {"pk": t["opportunity"].pk},
    "opportunity-history": lambda t: {"pk": t["opportunity"].pk},
    "opportunity-move": lambda t: {"pk": t["opportunity"].pk},
    "lead-qualify": lambda t: {"pk": t["lead"].pk},
    "product-detail": lambda t: {"pk": t["product"].pk},
    "product-update": lambda t: {"pk": t["product"].pk},
}
# Products are read by every sales user and changed by permission, not by owner.
PRODUCT_PAGES = {"product-detail", "product-update"}
WITHOUT_RECORD = {
    "pipeline",
    "opportunity-list",
    "opportunity-export",
    "opportunity-create",
    "opportunity-autocomplete",
    "product-list",
    "product-create",
}


def _opportunity_fields(user, own):
    return {
        "title": "Planted opportunity",
        "amount": "10",
        "currency": "EUR",
        "stage": stage("proposal").pk,
        "probability": "",
        "owner": user.pk,
    }


POST_DATA = {
    "opportunity-create": lambda user, own: {**_opportunity_fields(user, own), "customer": own["customer"].pk},
    "opportunity-update": lambda user, own: {**_opportunity_fields(user, own), "version": 1},
    "opportunity-move": lambda user, own: {"stage": stage("proposal").pk, "version": 1},
    "lead-qualify": lambda user, own: {"title": "Planted opportunity", "amount": "5"},
    "product-create": lambda user, own: {
        "sku": "PLANT-1",
        "name": "Planted",
        "unit_price": "1",
        "currency": "EUR",
        "stock_on_hand": "1",
    },
    "product-update": lambda user, own: {
        "sku": own["product"].sku,
        "name": "Renamed",
        "unit_price": "1",
        "currency": "EUR",
        "stock_on_hand": "1",
        "version": 1,
    },
}

SWEEP = ScopeSweep(
    namespace="sales",
    urlpatterns=urlpatterns,
    kwargs=KWARGS,
    without_record=WITHOUT_RECORD,
    post_data=POST_DATA,
    models=[Opportunity, StageChange, Customer, Contact, Product],
    foreign_values={
        Customer: lambda t: t["customer"].pk,
        Contact: lambda t: t["contact"].pk,
        get_user_model(): lambda t: t["customer"].owner_id,
    },
)
OWNED_URL_NAMES = [name for name in SWEEP.record_url_names if name not in PRODUCT_PAGES]
OPPORTUNITY_FORMS = [name for name in SWEEP.form_url_names if not name.startswith("product-")]
ATTACKERS = ["teammate", "outsider", "other_manager"]


@pytest.fixture
def other_manager(manager):
    """The manager of the South team (the `outsider`'s team), created by the `manager` fixture."""
    return get_user_model().objects.get(username="manager.two")


def records_of(owner, name: str) -> dict:
    customer = CustomerFactory(owner=owner, name=name)
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer, name=f"{name}: Pat Buyer"),
        "opportunity": OpportunityFactory(customer=customer, title=f"{name}: fleet renewal"),
        "lead": CustomerFactory(owner=owner, name=f"{name}: a lead", lifecycle_stage=Customer.Stage.LEAD),
        "product": ProductFactory(name="Shared catalogue item"),
    }


@pytest.fixture
def target(rep, manager):
    return records_of(rep, "Acme Logistics Ltd")


def test_sweep_knows_every_sales_url():
    SWEEP.assert_knows_every_url()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", OWNED_URL_NAMES)
def test_user_outside_scope_gets_404_and_changes_nothing(client, request, target, name, attacker_kind, method):
    # given: another rep (in the same team or not) or the manager of another team, with records of their own
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")
    target = {key: value for key, value in target.items() if key != "product"}

    # when / then
    SWEEP.assert_refused(client, user=attacker, name=name, target=target, own=own, method=method)


@pytest.mark.parametrize("attacker_kind", ATTACKERS)
@pytest.mark.parametrize("name", OPPORTUNITY_FORMS)
def test_other_owners_record_planted_in_a_form_is_refused(client, request, target, name, attacker_kind):
    attacker = request.getfixturevalue(attacker_kind)
    own = records_of(attacker, "Attacker's own customer")

    SWEEP.assert_foreign_keys_refused(client, user=attacker, name=name, target=target, own=own)


def test_foreign_key_sweep_covers_customer_contact_and_owner(client, outsider, target):
    own = records_of(outsider, "Otto's customer")
    checked = {
        name: SWEEP.assert_foreign_keys_refused(client, user=outsider, name=name, target=target, own=own)
        for name in OPPORTUNITY_FORMS
    }

    assert {name: fields for name, fields in checked.items() if fields} == {
        "opportunity-create": ["contact", "customer", "owner"],
        "opportunity-update": ["contact", "owner"],
    }


@pytest.mark.parametrize("name", [*OPPORTUNITY_FORMS, "opportunity-move"])
def test_the_same_submissions_go_through_on_own_records(client, outsider, name):
    own = records_of(outsider, "Otto's customer")
    client.force_login(outsider)

    response = client.post(SWEEP.url(name, own), SWEEP.submission(name, outsider, own))

    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    ("name", "user_kind"),
    [
        (name, kind)
        for name in OWNED_URL_NAMES
        if SWEEP.accepts(name, "get")
        for kind in ("rep", "manager", "administrator")
    ],
)
def test_owner_their_manager_and_administrator_get_200(client, request, target, name, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(SWEEP.url(name, target))

    assert response.status_code == 200
    assert "Acme Logistics Ltd" in response.content.decode()


@pytest.mark.parametrize("user_kind", ["rep", "manager", "administrator"])
def test_owner_their_manager_and_administrator_may_move(client, request, target, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.post(SWEEP.url("opportunity-move", target), {"stage": stage("proposal").pk, "version": 1})

    assert response.status_code == 302
    assert Opportunity.objects.get(pk=target["opportunity"].pk).stage.code == "proposal"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", OWNED_URL_NAMES)
def test_anonymous_user_is_sent_to_login_and_changes_nothing(client, target, name, method):
    url = SWEEP.url(name, target)
    before = SWEEP.snapshot()

    response = getattr(client, method)(url)

    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={url}"
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(KWARGS))
def test_user_without_role_gets_403_even_on_own_records(client, target, name, method):
    nobody = UserFactory(username="no.role")
    Opportunity.objects.filter(pk=target["opportunity"].pk).update(owner=nobody)
    Customer.objects.filter(pk__in=[target["customer"].pk, target["lead"].pk]).update(owner=nobody)
    client.force_login(nobody)
    before = SWEEP.snapshot()
    url = SWEEP.url(name, target)

    response = client.get(url) if method == "get" else client.post(url, SWEEP.submission(name, nobody, target))

    assert response.status_code == 403  # the permission check comes before the method and the lookup
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize("name", sorted(WITHOUT_RECORD))
def test_user_without_role_gets_403_on_pages_without_record(client, name):
    client.force_login(UserFactory(username="no.role"))

    assert client.get(SWEEP.url(name)).status_code == 403
