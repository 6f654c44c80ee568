"""Two confirmations racing for the last units, and two orders numbered at the same moment, each on its own
database connection with committed data: the row locks serialise them, so stock never goes negative and no number
is given twice. Only meaningful where rows are locked (MariaDB/MySQL); SQLite locks the whole database."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from sales.models import Order, Product
from sales.services.orders import LineInput, order_confirm, order_create
from tests.factories.customers import CustomerFactory
from tests.factories.sales_orders import OrderProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="row locks are what is tested: MariaDB/MySQL only"),
]


def _race(work, count: int = 2) -> list:
    """Run `work(i)` in `count` threads started together; returns each result or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the test looks at what each thread got
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_confirmations_racing_for_the_last_units_never_oversell(rep):
    # given: 5 units in stock and two drafts of 4 each, by different customers
    product = OrderProductFactory(sku="LAST", name="Last lamps", stock_on_hand=5)
    orders = [
        order_create(by=rep, customer=CustomerFactory(owner=rep), lines=[LineInput(product=product, quantity=4)])
        for _ in range(2)
    ]

    # when: both are confirmed at the same moment, each on its own connection
    results = _race(lambda i: order_confirm(order=Order.objects.get(pk=orders[i].pk), by=rep))

    # then: one went through, the other was refused with the stock left, and the stock is what one took
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "Last lamps (LAST): 4 wanted, 1 in stock." in " ".join(refused[0].messages)
    assert Product.objects.get(pk=product.pk).stock_on_hand == 1
    assert sorted(Order.objects.values_list("status", flat=True)) == ["confirmed", "draft"]


def test_orders_created_at_the_same_moment_get_different_numbers(rep):
    product = OrderProductFactory(sku="ANY", stock_on_hand=5)
    customer = CustomerFactory(owner=rep)

    results = _race(
        lambda i: order_create(by=rep, customer=customer, lines=[LineInput(product=product, quantity=1)]).number,
        count=4,
    )

    assert sorted(map(str, results)) == ["SO-000001", "SO-000002", "SO-000003", "SO-000004"], results
