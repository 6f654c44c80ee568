"""The order admin keeps a staff rep to the orders of their customers and saves through the order services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sales.models import Order, OrderLine
from sales.services.orders import LineInput, order_confirm, order_create
from tests.factories.sales_orders import OrderProductFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_order_changelist")
ADD = reverse("admin:sales_order_add")


@pytest.fixture
def staff_rep(rep):
    rep.is_staff = True
    rep.save()
    return rep


@pytest.fixture
def mug():
    return OrderProductFactory(sku="MUG", name="Mug", unit_price=Decimal("4.50"), stock_on_hand=10)


def _add_form(customer, product, **overrides) -> dict:
    data = {
        "customer": customer.pk,
        "opportunity": "",
        "ordered_at_0": "2026-11-30",
        "ordered_at_1": "10:00:00",
        "ship_to_country": "GB",
        "currency": "GBP",
        "notes": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": product.pk,
        "lines-0-quantity": "2",
        "lines-0-discount_percent": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_staff_rep_lists_only_orders_of_their_customers(client, staff_rep, customer, foreign_customer, mug):
    own = order_create(by=staff_rep, customer=customer, lines=[LineInput(product=mug, quantity=1)])
    Order.objects.create(number="X-1", customer=foreign_customer)
    client.force_login(staff_rep)

    page = client.get(CHANGELIST).content.decode()

    assert own.number in page and "X-1" not in page


def test_another_owners_order_does_not_open(client, staff_rep, foreign_customer):
    other = Order.objects.create(number="X-1", customer=foreign_customer)
    client.force_login(staff_rep)

    response = client.get(reverse("admin:sales_order_change", args=[other.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "doesn’t exist" in response.content.decode()


def test_admin_creates_an_order_with_its_lines_through_the_service(client, administrator, customer, mug):
    client.force_login(administrator)

    response = client.post(ADD, _add_form(customer, mug))

    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.get()
    assert order.number == "SO-000001" and order.status == Order.Status.DRAFT
    line = OrderLine.objects.get(order=order)
    assert (line.quantity, line.unit_price) == (2, Decimal("4.50"))


def test_admin_refuses_another_owners_customer(client, staff_rep, foreign_customer, mug):
    client.force_login(staff_rep)

    response = client.post(ADD, _add_form(foreign_customer, mug))

    assert response.status_code == 200
    assert not Order.objects.exists()


def test_confirmed_orders_are_read_only_and_cannot_be_deleted(client, administrator, customer, rep, mug):
    order = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=1)])
    order_confirm(order=order, by=rep)
    client.force_login(administrator)

    change = client.get(reverse("admin:sales_order_change", args=[order.pk])).content.decode()
    delete = client.post(reverse("admin:sales_order_delete", args=[order.pk]), {"post": "yes"})

    assert 'name="_save"' not in change
    assert delete.status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


def test_confirm_action_goes_through_the_service(client, administrator, customer, rep, mug):
    order = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=3)])
    client.force_login(administrator)

    client.post(CHANGELIST, {"action": "order_confirm_action", "_selected_action": [order.pk]})

    mug.refresh_from_db()
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED
    assert mug.stock_on_hand == 7
