"""The opportunity page's line items, quotes and orders, its line forms (bad input and stale pages refused, nothing
changed), and winning from the board, the move form and the edit form, each saying which order the win made."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.models import Opportunity, OpportunityLine, Order, Quote
from sales.services.opportunities import opportunity_line_add, opportunity_move_stage
from sales.services.quotes import quote_accept, quote_create, quote_send
from tests.customers._support import page_text, section_text, visible_text
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanner():
    return ProductFactory(sku="SCAN", name="Barcode scanner", unit_price=Decimal("19.99"), currency="EUR")


@pytest.fixture
def opportunity(customer):
    return OpportunityFactory(customer=customer, title="Fleet renewal", currency="EUR", amount=Decimal("500"))


def _fresh(opportunity):
    return Opportunity.objects.get(pk=opportunity.pk)


def _url(name, opportunity, line=None):
    return reverse(f"sales:{name}", kwargs={"pk": opportunity.pk, **({"line_pk": line.pk} if line else {})})


def _won_with_quote(opportunity, rep):
    quote = quote_create(opportunity=_fresh(opportunity), by=rep)
    quote_send(quote=quote, by=rep)
    return quote_accept(quote=Quote.objects.get(pk=quote.pk), by=rep)


def test_adding_a_line_from_the_opportunity_page_sets_the_amount(client, rep, opportunity, scanner):
    client.force_login(rep)
    page = client.get(opportunity.get_absolute_url())
    assert "Without line items the amount is typed by hand." in page_text(page)

    response = client.post(
        _url("opportunity-line-create", opportunity),
        {"product": scanner.pk, "quantity": "3", "discount_percent": "10", "version": opportunity.version},
        follow=True,
    )

    assert "Barcode scanner was added." in page_text(response)
    lines = section_text(response, "lines-heading")
    assert "Barcode scanner SCAN 3 19.99 10 % 53.97" in lines
    assert "Subtotal 59.97 Discounts −6.00 Amount 53.97 EUR" in lines
    assert "The amount is the total of the lines." in lines
    assert _fresh(opportunity).amount == Decimal("53.97")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "-3"}, "Quantities must be at least 1."),
        ({"quantity": ""}, "This field is required."),
        ({"discount_percent": "100.5"}, "A discount is between 0 and 100 %."),
        ({"product": "999999"}, "Choose an active product priced in this currency."),
        ({"version": ""}, "This form is missing the record's version: reload the page."),
    ],
)
def test_bad_line_input_shows_a_clear_message_and_changes_nothing(client, rep, opportunity, scanner, change, message):
    client.force_login(rep)

    response = client.post(
        _url("opportunity-line-create", opportunity),
        {"product": scanner.pk, "quantity": "1", "discount_percent": "0", "version": opportunity.version, **change},
    )

    assert response.status_code == 200 and message in page_text(response)
    assert not OpportunityLine.objects.exists()
    assert (_fresh(opportunity).amount, _fresh(opportunity).version) == (Decimal("500.00"), 1)


def test_a_line_form_opened_before_another_change_is_refused(client, rep, manager, opportunity, scanner):
    # given: the page was loaded at version 1, then the manager renamed the opportunity
    from sales.services.opportunities import opportunity_update

    opportunity_update(opportunity=_fresh(opportunity), by=manager, expected_version=1, title="Fleet renewal 2027")
    client.force_login(rep)

    response = client.post(
        _url("opportunity-line-create", opportunity),
        {"product": scanner.pk, "quantity": "2", "discount_percent": "0", "version": "1"},
    )

    assert response.status_code == 200
    assert "Someone else changed this record after you opened it." in page_text(response)
    assert not OpportunityLine.objects.exists()


def test_changing_a_line_and_removing_it(client, rep, opportunity, scanner):
    line = opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    client.force_login(rep)

    form = client.get(_url("opportunity-line-update", opportunity, line))
    changed = client.post(
        _url("opportunity-line-update", opportunity, line), {"quantity": "10", "discount_percent": "50", "version": 2}
    )
    assert _fresh(opportunity).amount == Decimal("99.95")
    removed = client.post(_url("opportunity-line-remove", opportunity, line), {"version": 3}, follow=True)

    assert "Change line: Barcode scanner" in page_text(form)
    assert changed.status_code == 302
    assert "Barcode scanner was removed." in page_text(removed)
    assert not OpportunityLine.objects.exists()


def test_the_line_remove_button_is_post_only(client, rep, opportunity, scanner):
    line = opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    client.force_login(rep)

    assert client.get(_url("opportunity-line-remove", opportunity, line)).status_code == 405
    assert OpportunityLine.objects.count() == 1


def test_the_edit_form_shows_the_amount_of_the_lines_without_letting_it_be_typed(client, rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=2)
    client.force_login(rep)

    html = client.get(_url("opportunity-update", opportunity)).content.decode()

    assert "The total of the line items, which are changed on its page." in html
    assert 'name="amount" value="39.98"' in html and "disabled" in html.split('name="amount"')[1][:200]


def test_a_closed_opportunity_shows_its_lines_without_forms(client, rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=2)
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("lost"), by=rep, lost_reason="Budget cut")
    client.force_login(rep)

    response = client.get(opportunity.get_absolute_url())

    assert "Barcode scanner" in section_text(response, "lines-heading")
    assert 'data-testid="line-add"' not in response.content.decode()
    assert "New quote" not in visible_text(response)


def test_the_opportunity_page_reads_a_few_queries_with_lines_quotes_and_orders(client, rep, opportunity, scanner):
    for _ in range(6):
        opportunity_line_add(opportunity=_fresh(opportunity), by=rep, product=scanner, quantity=1)
    _won_with_quote(opportunity, rep)
    quote_create(opportunity=_fresh(opportunity), by=rep)
    opportunity_move_stage(opportunity=_fresh(opportunity), to_stage=stage("won"), by=rep)
    client.force_login(rep)
    client.get(opportunity.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(opportunity.get_absolute_url())

    assert response.status_code == 200
    assert len(queries) <= 12, [q["sql"][:150] for q in queries]


# Winning -------------------------------------------------------------------------------------------------------------


def test_winning_from_the_board_answers_with_the_order_made(client, rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=2)
    quote = _won_with_quote(opportunity, rep)
    client.force_login(rep)

    response = client.post(
        _url("opportunity-move", opportunity),
        {"stage": stage("won").pk, "version": _fresh(opportunity).version},
        HTTP_ACCEPT="application/json",
    )

    order = Order.objects.get()
    data = response.json()
    assert data["ok"] and data["order_url"] == order.get_absolute_url() and data["order_label"] == "Open the order"
    assert f"Order {order.number} was created from quote {quote.number}." in data["message"]


def test_winning_with_the_move_form_says_so_and_the_opportunity_page_links_the_order(client, rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=2)
    quote = _won_with_quote(opportunity, rep)
    client.force_login(rep)

    moved = client.post(
        _url("opportunity-move", opportunity),
        {"stage": stage("won").pk, "version": _fresh(opportunity).version},
        follow=True,
    )
    page = client.get(opportunity.get_absolute_url())

    order = Order.objects.get()
    assert f"Order {order.number} was created from quote {quote.number}." in page_text(moved)
    orders = section_text(page, "orders-heading")
    assert f"{order.number} Draft from quote {quote.number}" in orders and "39.98 EUR" in orders
    assert order.get_absolute_url() in page.content.decode()
    order_page = client.get(order.get_absolute_url())
    assert f'<a href="{quote.get_absolute_url()}">{quote.number}</a>' in order_page.content.decode()


def test_winning_with_the_edit_form_says_which_order_was_made(client, rep, opportunity, scanner):
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=1)
    _won_with_quote(opportunity, rep)
    row = _fresh(opportunity)
    client.force_login(rep)

    response = client.post(
        _url("opportunity-update", opportunity),
        {
            "title": row.title,
            "currency": row.currency,
            "stage": stage("won").pk,
            "probability": "",
            "expected_close_date": "",
            "owner": rep.pk,
            "contact": "",
            "source": "",
            "next_step": "",
            "lost_reason": "",
            "version": row.version,
        },
        follow=True,
    )

    order = Order.objects.get()
    assert "Opportunity “Fleet renewal” was updated." in page_text(response)
    assert f"Order {order.number} was created from quote" in page_text(response)
    assert order.quote.opportunity_id == opportunity.pk
