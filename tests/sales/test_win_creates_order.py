"""Winning an opportunity that has an accepted quote makes a draft order of that quote, in the transaction that
moves the stage, once: by the board's move, the edit form's stage, or the admin alike (all call
opportunity_move_stage)."""

from decimal import Decimal
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from sales.models import Opportunity, Order, OrderLine, Quote, StageChange
from sales.services.opportunities import opportunity_line_add, opportunity_move_stage, opportunity_update
from sales.services.quotes import quote_accept, quote_create, quote_send
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(rep, customer):
    opportunity = OpportunityFactory(customer=customer, currency="EUR", stage=stage("negotiation"))
    scanner = ProductFactory(sku="SCAN", unit_price=Decimal("19.99"), currency="EUR")
    licence = ProductFactory(sku="LIC", unit_price=Decimal("250.00"), currency="EUR")
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=3, discount_percent=Decimal("10"))
    opportunity_line_add(opportunity=opportunity, by=rep, product=licence, quantity=2)
    return Opportunity.objects.get(pk=opportunity.pk)


def _accepted_quote(opportunity, by):
    quote = quote_create(opportunity=opportunity, by=by, tax_rate_percent=Decimal("20"))
    quote_send(quote=quote, by=by)
    return quote_accept(quote=Quote.objects.get(pk=quote.pk), by=by)


def _fresh(opportunity):
    return Opportunity.objects.get(pk=opportunity.pk)


def test_winning_with_an_accepted_quote_makes_its_draft_order(rep, opportunity):
    # given
    quote = _accepted_quote(opportunity, rep)
    ProductFactory._meta.model.objects.filter(sku="LIC").update(unit_price=Decimal("300.00"))

    # when
    won = opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)

    # then: an order of the customer, from the quote, at the quote's prices and discounts
    order = Order.objects.get()
    assert won.order_created == order
    assert (order.number, order.status, order.kind) == ("SO-000001", Order.Status.DRAFT, Order.Kind.ORDER)
    assert (order.customer, order.opportunity_id, order.quote_id, order.currency) == (
        opportunity.customer,
        opportunity.pk,
        quote.pk,
        "EUR",
    )
    assert sorted(
        OrderLine.objects.filter(order=order).values_list("product__sku", "quantity", "unit_price", "discount_percent")
    ) == [
        ("LIC", 2, Decimal("250.00"), Decimal("0.00")),
        ("SCAN", 3, Decimal("19.99"), Decimal("10.00")),
    ]
    assert order.history.get().history_user == rep
    assert not order.stock_moved


def test_winning_again_makes_no_second_order(rep, opportunity):
    _accepted_quote(opportunity, rep)
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)

    # when: reopened and won again, and saved again while won
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("negotiation"), by=rep)
    again = opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)
    opportunity_update(opportunity=_fresh(opportunity), by=rep, next_step="Invoice")

    # then
    assert again.order_created is None
    assert Order.objects.count() == 1


def test_an_order_in_the_recycle_bin_still_counts(rep, opportunity):
    from sales.services.orders import order_delete

    _accepted_quote(opportunity, rep)
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)
    order_delete(order=Order.objects.get(), by=rep)
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("negotiation"), by=rep)

    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)

    assert Order.all_objects.count() == 1 and not Order.objects.exists()


def test_winning_without_an_accepted_quote_makes_no_order(rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=quote, by=rep)

    won = opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)

    assert won.order_created is None and not Order.all_objects.exists()


def test_winning_through_the_edit_form_makes_the_order_too(rep, opportunity):
    _accepted_quote(opportunity, rep)
    row = _fresh(opportunity)

    won = opportunity_update(opportunity=row, by=rep, expected_version=row.version, stage=stage("won"))

    assert won.order_created.quote.opportunity_id == opportunity.pk
    assert Order.objects.count() == 1


def test_the_order_comes_in_the_same_transaction_as_the_win(rep, opportunity):
    # given: making the order fails (the order number cannot be taken)
    _accepted_quote(opportunity, rep)
    refused = ValidationError("The order number series is locked.")

    # when
    with patch("sales.services.quotes.number_allocate", side_effect=refused), pytest.raises(ValidationError):
        opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)

    # then: the opportunity did not move either
    row = _fresh(opportunity)
    assert row.stage.code == "negotiation" and row.closed_at is None
    assert not StageChange.objects.filter(opportunity=opportunity, to_stage=stage("won")).exists()
    assert not Order.all_objects.exists()


def test_a_teammate_owning_the_opportunity_wins_an_order_for_the_customers_owner(rep, teammate, customer):
    # given: the rep's customer, an opportunity a manager gave to the teammate
    opportunity = OpportunityFactory(customer=customer, owner=teammate, currency="EUR")
    opportunity_line_add(
        opportunity=opportunity, by=teammate, product=ProductFactory(sku="KIT", currency="EUR"), quantity=1
    )
    _accepted_quote(_fresh(opportunity), teammate)

    # when
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=teammate)

    # then: the order is the customer's, reached by the customer's owner
    assert Order.objects.get().customer.owner == rep
