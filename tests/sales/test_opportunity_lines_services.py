"""Line items of opportunities: the unit price copied from the catalogue when a line is added, the amount
following the lines' total (computed by the database), and every refusal changing nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records.versioning import StaleVersionError
from sales.models import Opportunity, OpportunityLine
from sales.selectors.opportunities import opportunity_line_totals
from sales.services.opportunities import (
    opportunity_line_add,
    opportunity_line_remove,
    opportunity_line_update,
    opportunity_move_stage,
    opportunity_update,
)
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanner():
    return ProductFactory(sku="SCAN", name="Barcode scanner", unit_price=Decimal("19.99"), currency="EUR")


@pytest.fixture
def licence():
    return ProductFactory(sku="LIC", name="Fleet licence", unit_price=Decimal("250.00"), currency="EUR")


@pytest.fixture
def opportunity(customer):
    return OpportunityFactory(customer=customer, amount=Decimal("999.00"), currency="EUR")


def _state(opportunity):
    row = Opportunity.objects.get(pk=opportunity.pk)
    lines = list(OpportunityLine.objects.filter(opportunity=opportunity).values_list("quantity", "discount_percent"))
    return row.amount, row.version, lines


def test_a_line_copies_the_catalogue_price_and_a_later_price_change_leaves_it(rep, opportunity, scanner):
    # when
    line = opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=3)
    scanner.unit_price = Decimal("24.99")
    scanner.save()

    # then
    line.refresh_from_db()
    assert line.unit_price == Decimal("19.99")
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("59.97")


def test_the_amount_is_the_lines_total_after_discounts_rounded_to_cents(rep, opportunity, scanner, licence):
    # given: 3 × 19.99 at 10 % off = 53.973, and 2 × 250.00
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=3, discount_percent=Decimal("10"))

    # when
    opportunity_line_add(opportunity=opportunity, by=rep, product=licence, quantity=2)

    # then
    row = Opportunity.objects.get(pk=opportunity.pk)
    assert row.amount == Decimal("553.97")
    assert row.version == 3
    totals = opportunity_line_totals(opportunity=row)
    assert (totals.count, totals.subtotal, totals.discount, totals.net) == (
        2,
        Decimal("559.97"),
        Decimal("6.00"),
        Decimal("553.97"),
    )
    last = row.history.order_by("-history_id").first()
    assert last.amount == Decimal("553.97") and last.history_user == rep


def test_changing_and_removing_lines_moves_the_amount_and_the_last_one_leaves_it_to_be_typed(
    rep, opportunity, scanner, licence
):
    first = opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    second = opportunity_line_add(
        opportunity=Opportunity.objects.get(pk=opportunity.pk), by=rep, product=licence, quantity=1
    )

    opportunity_line_update(line=first, by=rep, quantity=10, discount_percent=Decimal("50"))
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("349.95")

    opportunity_line_remove(line=second, by=rep)
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("99.95")

    opportunity_line_remove(line=first, by=rep)
    row = Opportunity.objects.get(pk=opportunity.pk)
    assert row.amount == Decimal("99.95") and not row.lines.exists()
    opportunity_update(opportunity=row, by=rep, expected_version=row.version, amount=Decimal("120.00"))
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("120.00")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"quantity": 0}, "quantity", "Quantities must be at least 1."),
        ({"quantity": -2}, "quantity", "Quantities must be at least 1."),
        ({"discount_percent": Decimal("100.01")}, "discount_percent", "A discount is between 0 and 100 %."),
        ({"discount_percent": Decimal("-1")}, "discount_percent", "A discount is between 0 and 100 %."),
    ],
)
def test_bad_terms_are_refused_and_change_nothing(rep, opportunity, scanner, change, field, message):
    before = _state(opportunity)
    terms = {"quantity": 1, "discount_percent": Decimal("0"), **change}

    with pytest.raises(ValidationError) as error:
        opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, **terms)

    assert error.value.message_dict[field] == [message]
    assert _state(opportunity) == before


def test_a_product_no_longer_sold_or_in_another_currency_is_refused(rep, opportunity, scanner):
    dollars = ProductFactory(sku="USD-1", name="Dollar item", currency="USD")
    scanner.active = False
    scanner.save()
    before = _state(opportunity)

    with pytest.raises(ValidationError) as inactive:
        opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    with pytest.raises(ValidationError) as currency:
        opportunity_line_add(opportunity=opportunity, by=rep, product=dollars, quantity=1)

    assert inactive.value.message_dict["product"] == ["Barcode scanner is no longer sold: choose another product."]
    assert currency.value.message_dict["product"] == ["Dollar item is priced in USD, and this is in EUR."]
    assert _state(opportunity) == before


def test_a_stale_version_is_refused_and_changes_nothing(rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1, expected_version=1)
    before = _state(opportunity)

    with pytest.raises(StaleVersionError):
        opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=5, expected_version=1)

    assert _state(opportunity) == before


def test_a_user_outside_reach_is_refused_and_changes_nothing(outsider, rep, opportunity, scanner):
    line = opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    before = _state(opportunity)

    with pytest.raises(PermissionDenied):
        opportunity_line_add(opportunity=opportunity, by=outsider, product=scanner, quantity=1)
    with pytest.raises(PermissionDenied):
        opportunity_line_update(line=line, by=outsider, quantity=9, discount_percent=Decimal("0"))
    with pytest.raises(PermissionDenied):
        opportunity_line_remove(line=line, by=outsider)

    assert _state(opportunity) == before


def test_the_manager_of_the_owners_team_may_change_lines(manager, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=manager, product=scanner, quantity=2)

    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("39.98")


def test_lines_of_a_closed_opportunity_do_not_change(rep, opportunity, scanner):
    line = opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    opportunity_move_stage(opportunity=Opportunity.objects.get(pk=opportunity.pk), to_stage=stage("won"), by=rep)
    before = _state(opportunity)

    with pytest.raises(ValidationError, match="reopen it to change its line items"):
        opportunity_line_update(line=line, by=rep, quantity=4, discount_percent=Decimal("0"))

    assert _state(opportunity) == before


def test_with_lines_a_typed_amount_is_ignored_and_the_currency_stays(rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    row = Opportunity.objects.get(pk=opportunity.pk)

    opportunity_update(opportunity=row, by=rep, expected_version=row.version, amount=Decimal("5000"), title="Renamed")
    row = Opportunity.objects.get(pk=opportunity.pk)
    assert (row.title, row.amount) == ("Renamed", Decimal("19.99"))

    with pytest.raises(ValidationError) as error:
        opportunity_update(opportunity=row, by=rep, expected_version=row.version, currency="USD")
    assert "remove them before changing its currency" in error.value.message_dict["currency"][0]
    assert Opportunity.objects.get(pk=opportunity.pk).currency == "EUR"
