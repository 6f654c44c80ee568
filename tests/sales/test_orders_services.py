"""Order services: numbering, drafts, status moves with stock, returns within what was ordered, the recycle bin."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records.models import Deletion
from records.versioning import StaleVersionError
from sales.models import Order, OrderLine, Product
from sales.selectors.orders import order_total
from sales.services.orders import (
    LineInput,
    order_cancel,
    order_confirm,
    order_create,
    order_delete,
    order_mark_paid,
    order_ship,
    order_update,
    return_create,
)
from tests.factories.sales_orders import OrderProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug():
    return OrderProductFactory(sku="MUG", name="Mug", unit_price=Decimal("4.50"), stock_on_hand=10)


@pytest.fixture
def lamp():
    return OrderProductFactory(sku="LAMP", name="Lamp", unit_price=Decimal("20.00"), stock_on_hand=3)


def _draft(customer, rep, *lines):
    return order_create(by=rep, customer=customer, lines=list(lines))


def test_orders_are_numbered_in_sequence_with_prices_copied_from_the_catalogue(customer, rep, mug, lamp):
    first = _draft(customer, rep, LineInput(product=mug, quantity=2))
    second = _draft(customer, rep, LineInput(product=lamp, quantity=1, discount_percent=Decimal("10")))
    mug.unit_price = Decimal("9.99")
    mug.save()

    assert (first.number, second.number) == ("SO-000001", "SO-000002")
    assert first.status == Order.Status.DRAFT
    assert OrderLine.objects.get(order=first).unit_price == Decimal("4.50")
    assert order_total(order=first) == Decimal("9.00")
    assert order_total(order=second) == Decimal("18.00")


def test_another_owners_customer_is_refused_and_nothing_is_created(foreign_customer, rep, mug):
    with pytest.raises(ValidationError) as error:
        _draft(foreign_customer, rep, LineInput(product=mug, quantity=1))

    assert "customer" in error.value.message_dict
    assert not Order.objects.exists()


def test_inactive_product_is_refused(customer, rep, mug):
    mug.active = False
    mug.save()

    with pytest.raises(ValidationError, match="no longer sold"):
        _draft(customer, rep, LineInput(product=mug, quantity=1))
    assert not Order.objects.exists()


def test_confirming_takes_stock_and_cancelling_gives_it_back(customer, rep, mug, lamp):
    order = _draft(customer, rep, LineInput(product=mug, quantity=4), LineInput(product=lamp, quantity=3))

    order_confirm(order=order, by=rep)
    mug.refresh_from_db(), lamp.refresh_from_db()
    assert (mug.stock_on_hand, lamp.stock_on_hand) == (6, 0)

    order_cancel(order=order, by=rep)
    mug.refresh_from_db(), lamp.refresh_from_db()
    assert (mug.stock_on_hand, lamp.stock_on_hand) == (10, 3)
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_too_little_stock_names_the_product_and_changes_nothing(customer, rep, mug, lamp):
    order = _draft(customer, rep, LineInput(product=mug, quantity=2), LineInput(product=lamp, quantity=5))

    with pytest.raises(ValidationError) as error:
        order_confirm(order=order, by=rep)

    assert "Lamp (LAMP): 5 wanted, 3 in stock." in " ".join(error.value.messages)
    assert Product.objects.get(pk=mug.pk).stock_on_hand == 10
    assert Order.objects.get(pk=order.pk).status == Order.Status.DRAFT


def test_status_moves_follow_the_allowed_transitions(customer, rep, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=1))

    with pytest.raises(ValidationError, match="cannot become shipped"):
        order_ship(order=order, by=rep)
    order_confirm(order=order, by=rep)
    order_ship(order=order, by=rep)
    with pytest.raises(ValidationError, match="cannot become cancelled"):
        order_cancel(order=order, by=rep)
    order_mark_paid(order=order, by=rep)

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert Order.history.filter(id=order.pk).count() == 4


def test_update_replaces_lines_of_a_draft_and_refuses_a_stale_version(customer, rep, mug, lamp):
    order = _draft(customer, rep, LineInput(product=mug, quantity=1))
    mug.unit_price = Decimal("5.00")
    mug.save()

    order_update(
        order=order,
        by=rep,
        expected_version=1,
        lines=[LineInput(product=mug, quantity=3), LineInput(product=lamp, quantity=1)],
        notes="Rush",
    )

    assert order_total(order=order) == Decimal("33.50")  # the mug keeps the price it was written at
    with pytest.raises(StaleVersionError):
        order_update(order=Order.objects.get(pk=order.pk), by=rep, expected_version=1, notes="Old")


def test_confirmed_order_cannot_be_edited_or_deleted(customer, rep, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=1))
    order_confirm(order=order, by=rep)

    with pytest.raises(ValidationError, match="Only draft orders can be edited"):
        order_update(order=Order.objects.get(pk=order.pk), by=rep, notes="x")
    with pytest.raises(ValidationError, match="Only draft orders can be deleted"):
        order_delete(order=order, by=rep)


def test_draft_goes_to_the_recycle_bin(customer, rep, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=1))

    order_delete(order=order, by=rep)

    assert not Order.objects.filter(pk=order.pk).exists()
    assert Deletion.objects.get().object_id == order.pk


def test_outsider_cannot_change_an_order(customer, rep, outsider, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=1))

    with pytest.raises(PermissionDenied):
        order_confirm(order=order, by=outsider)
    with pytest.raises(PermissionDenied):
        order_delete(order=order, by=outsider)


def test_return_puts_stock_back_and_never_exceeds_what_was_ordered(customer, rep, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=4, discount_percent=Decimal("50")))
    order_confirm(order=order, by=rep)

    credit = return_create(order=order, by=rep, lines=[LineInput(product=mug, quantity=3)])
    with pytest.raises(ValidationError, match="only 1 can still be returned"):
        return_create(order=order, by=rep, lines=[LineInput(product=mug, quantity=2)])
    order_confirm(order=credit, by=rep)

    mug.refresh_from_db()
    assert mug.stock_on_hand == 9
    assert credit.kind == Order.Kind.RETURN and credit.original_id == order.pk
    assert credit.number.startswith("RT-")
    assert OrderLine.objects.get(order=credit).quantity == -3
    assert order_total(order=credit) == Decimal("-6.75")


def test_cancelled_return_frees_its_units(customer, rep, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=2))
    order_confirm(order=order, by=rep)
    credit = return_create(order=order, by=rep, lines=[LineInput(product=mug, quantity=2)])
    order_cancel(order=credit, by=rep)

    again = return_create(order=order, by=rep, lines=[LineInput(product=mug, quantity=2)])

    assert again.pk != credit.pk


def test_draft_order_cannot_be_returned(customer, rep, mug):
    order = _draft(customer, rep, LineInput(product=mug, quantity=2))

    with pytest.raises(ValidationError, match="Only confirmed, shipped or paid"):
        return_create(order=order, by=rep, lines=[LineInput(product=mug, quantity=1)])


def test_order_takes_its_products_currency_and_refuses_mixed_currencies(customer, rep, mug):
    pound = OrderProductFactory(sku="TEA", name="Tea", currency="GBP")
    euro = OrderProductFactory(sku="WINE", name="Wine", currency="EUR")

    order = _draft(customer, rep, LineInput(product=pound, quantity=1))
    with pytest.raises(ValidationError, match="one currency, not EUR, GBP"):
        _draft(customer, rep, LineInput(product=pound, quantity=1), LineInput(product=euro, quantity=1))

    assert order.currency == "GBP"
    assert Order.objects.count() == 1
