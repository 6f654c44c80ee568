"""Each order carries its total and line count, written with its lines by every path that writes lines (the
services, the Online Retail import, the demo), and filled in for orders written before (migration 0008); the order
list sorts by them."""

import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from sales.models import Order
from sales.selectors.orders import order_total
from sales.services.orders import LineInput, order_confirm, order_create, order_update, return_create
from tests.factories.sales_orders import OrderFactory, OrderLineFactory, OrderProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug():
    return OrderProductFactory(sku="MUG", name="Mug", unit_price=Decimal("4.50"), stock_on_hand=10)


@pytest.fixture
def lamp():
    return OrderProductFactory(sku="LAMP", name="Lamp", unit_price=Decimal("20.00"), stock_on_hand=3)


def _stored(order: Order) -> tuple[Decimal, int]:
    row = Order.all_objects.get(pk=order.pk)
    return row.total, row.line_count


def test_create_update_and_return_store_the_total_of_the_lines(customer, rep, mug, lamp):
    # when
    order = order_create(
        by=rep,
        customer=customer,
        lines=[LineInput(product=mug, quantity=2), LineInput(product=lamp, quantity=1, discount_percent=Decimal("10"))],
    )
    # then
    assert _stored(order) == (Decimal("27.0000"), 2) == (order.total, order.line_count)

    order_update(order=order, by=rep, expected_version=1, lines=[LineInput(product=lamp, quantity=3)])
    assert _stored(order) == (Decimal("60.0000"), 1) == (order_total(order=order), 1)

    order_confirm(order=Order.objects.get(pk=order.pk), by=rep)
    credit = return_create(order=order, by=rep, lines=[LineInput(product=lamp, quantity=2)])
    assert _stored(credit) == (Decimal("-40.0000"), 1)
    assert _stored(order) == (Decimal("60.0000"), 1)  # a status change leaves them as they are


def test_the_online_retail_import_stores_each_invoices_total(tmp_path, administrator):
    path = tmp_path / "retail.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
        "536365,71053,LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
        "C536379,85123A,HEART,-2,2010-12-02 09:41:00,2.95,17850.0,United Kingdom\n",
        encoding="utf-8",
    )

    call_command("import_online_retail", str(path), stdout=StringIO())

    assert _stored(Order.objects.get(number="536365")) == (Decimal("35.6400"), 2)
    assert _stored(Order.objects.get(number="C536379")) == (Decimal("-5.9000"), 1)


def test_the_backfill_fills_in_orders_written_before(customer):
    # given orders whose lines were written before the order carried a total
    order = OrderFactory(customer=customer)
    OrderLineFactory(order=order, quantity=3, unit_price=Decimal("2.50"), discount_percent=Decimal("20"))
    OrderLineFactory(order=order, quantity=1, unit_price=Decimal("1.00"))
    empty = OrderFactory(customer=customer)
    Order.all_objects.update(total=Decimal("999"), line_count=9)

    # when
    importlib.import_module("sales.migrations.0008_order_totals_backfill").totals_fill(apps, None)

    # then
    assert _stored(order) == (Decimal("7.0000"), 2)
    assert _stored(empty) == (Decimal("0.0000"), 0)


def test_the_list_sorts_by_the_stored_total(client, rep, customer):
    for amount in ("30.00", "10.00", "20.00"):
        OrderLineFactory(order=OrderFactory(customer=customer, number=f"T-{amount}"), unit_price=Decimal(amount))
    client.force_login(rep)

    body = client.get(reverse("sales:order-list"), {"sort": "-total"}).content.decode()

    assert body.index("T-30.00") < body.index("T-20.00") < body.index("T-10.00")
    assert "30.00" in body
