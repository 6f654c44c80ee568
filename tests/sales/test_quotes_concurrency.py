"""Two quotes of one opportunity accepted at the same moment, and one opportunity won twice at the same moment, each
on its own database connection with committed data: the opportunity's row lock serialises them, so an opportunity
never has two accepted quotes and a win never makes two orders. Only meaningful where rows are locked
(MariaDB/MySQL); SQLite locks the whole database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sales.models import Opportunity, Order, Quote
from sales.services.opportunities import opportunity_line_add, opportunity_move_stage
from sales.services.quotes import quote_accept, quote_create, quote_send
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory, ProductFactory, stage
from tests.sales.test_orders_concurrency import _race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="row locks are what is tested: MariaDB/MySQL only"),
]


@pytest.fixture
def opportunity(rep):
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=rep), currency="EUR")
    product = ProductFactory(sku="RACE", unit_price=Decimal("10.00"), currency="EUR")
    opportunity_line_add(opportunity=opportunity, by=rep, product=product, quantity=1)
    return Opportunity.objects.get(pk=opportunity.pk)


def _sent(opportunity, by):
    quote = quote_create(opportunity=Opportunity.objects.get(pk=opportunity.pk), by=by)
    quote_send(quote=quote, by=by)
    return Quote.objects.get(pk=quote.pk)


def test_two_quotes_accepted_at_the_same_moment_leave_one_accepted(rep, manager, opportunity):
    # given: two sent quotes; the rep and the manager each record the customer accepting one
    quotes = [_sent(opportunity, rep), _sent(opportunity, rep)]
    users = [rep, manager]

    # when
    results = _race(lambda i: quote_accept(quote=quotes[i], by=users[i]))

    # then: the second to get the lock found its quote declined by the first
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and refused[0].messages == ["Only a sent quote can be accepted."], results
    assert sorted(Quote.objects.values_list("status", flat=True)) == ["accepted", "declined"]


def test_one_opportunity_won_twice_at_the_same_moment_makes_one_order(rep, manager, opportunity):
    quote = _sent(opportunity, rep)
    quote_accept(quote=quote, by=rep)
    users = [rep, manager]

    results = _race(
        lambda i: (
            opportunity_move_stage(
                opportunity=Opportunity.objects.get(pk=opportunity.pk), to_stage=stage("won"), by=users[i]
            ).order_created
        )
    )

    made = [r for r in results if isinstance(r, Order)]
    assert len(made) == 1 and results.count(None) == 1, results
    assert Order.objects.get().quote_id == quote.pk
