from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from sales.models import Order, OrderLine, Product
from tests.factories.customers import CustomerFactory


class OrderProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ["sku"]

    sku = factory.Sequence(lambda n: f"OSKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n:05d}")
    unit_price = Decimal("10.00")
    stock_on_hand = 100
    active = True


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    status = Order.Status.DRAFT
    kind = Order.Kind.ORDER


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine
        skip_postgeneration_save = True

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(OrderProductFactory)
    quantity = 1
    unit_price = factory.LazyAttribute(lambda line: line.product.unit_price)
    discount_percent = Decimal("0")

    @factory.post_generation
    def totals(obj, create, extracted, **kwargs):
        """The order's stored total and line count, as the services write them with the lines."""
        if create:
            from sales.services.orders import order_totals_refresh

            order_totals_refresh(order_ids=[obj.order_id])
