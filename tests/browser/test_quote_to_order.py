"""A rep's deal from the board to an order in a real browser: drag the card to the next stage with the mouse (saved
without a page load), give the opportunity a line, make a quote of it, send it, record that the customer accepted,
drag the card onto "Won", and open the order the win made from the quote."""

from decimal import Decimal

import pytest

from sales.models import Opportunity, Order, Quote
from tests.browser.test_customer_journey import browser_page  # noqa: F401  (the fixture)
from tests.browser.test_pipeline_drag import _sign_in
from tests.factories.customers import CustomerFactory, RepFactory
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _drag_with_the_mouse(page, source, target):
    """Press on the card, move over the drop zone in steps as a hand would, and release there."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 20, steps=3)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 40), steps=12)
    page.mouse.up()


def _wait_for_stage(opportunity, code, page):
    for _ in range(50):
        if Opportunity.objects.get(pk=opportunity.pk).stage.code == code:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the opportunity did not reach {code}")


def test_rep_drags_the_deal_quotes_it_and_wins_it_into_an_order(live_server, browser_page):  # noqa: F811
    # given: a rep's opportunity in prospecting, and a product of its currency
    page = browser_page
    page.set_viewport_size({"width": 1600, "height": 900})  # the won and lost drop zones next to the columns
    rep = RepFactory(username="rep.quotes", first_name="Quinn", last_name="Quote")
    customer = CustomerFactory(owner=rep, name="Harbour Lights Ltd")
    opportunity = OpportunityFactory(customer=customer, owner=rep, title="Harbour cranes", currency="EUR")
    ProductFactory(sku="CRANE-H", name="Harbour crane hire", unit_price=Decimal("1250.00"), currency="EUR")
    _sign_in(page, live_server, "rep.quotes")
    page.goto(f"{live_server.url}/sales/pipeline/")
    page.evaluate("window.stillTheSamePage = true")
    proposal = stage("proposal")

    # when: the card is dragged to the proposal column with the mouse
    _drag_with_the_mouse(
        page,
        page.locator(f"[data-card='{opportunity.pk}']"),
        page.locator(f"section[data-drop-stage='{proposal.pk}'] [data-cards]"),
    )

    # then: saved on the server, the board updated in place, no page load
    page.wait_for_selector("[data-board-status].alert-success")
    _wait_for_stage(opportunity, "proposal", page)
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator(f"section[data-drop-stage='{proposal.pk}'] [data-card='{opportunity.pk}']").count() == 1

    # when: on the opportunity, a line is added and a quote made of it
    page.click(f"[data-card='{opportunity.pk}'] a")
    page.wait_for_selector("h1:has-text('Harbour cranes')")
    page.select_option(
        "[data-testid=line-add] select[name=product]", label="Harbour crane hire (CRANE-H) · 1,250.00 EUR"
    )
    page.fill("[data-testid=line-add] input[name=quantity]", "2")
    page.fill("[data-testid=line-add] input[name=discount_percent]", "10")
    page.click("[data-testid=line-add] button:has-text('Add line')")
    page.wait_for_selector("text=Harbour crane hire was added.")
    assert "2,250.00 EUR" in page.locator("[data-testid=amount]").inner_text()
    page.click("text=New quote")
    page.fill("input[name=tax_rate_percent]", "20")
    page.fill("textarea[name=notes]", "Payment within 30 days.")
    page.click("button:has-text('Create draft quote')")
    page.wait_for_selector("[data-testid=quote-status]:has-text('Draft')")
    quote = Quote.objects.get()
    assert "2,700.00 EUR" in page.locator("[data-testid=quote-total]").inner_text()  # 2,250.00 + 20 % tax

    # and: it is sent, then accepted
    page.click("[data-testid=quote-actions] button:has-text('Mark sent')")
    page.wait_for_selector("[data-testid=quote-status]:has-text('Sent')")
    page.click("[data-testid=quote-actions] button:has-text('Customer accepted')")
    page.wait_for_selector("[data-testid=quote-status]:has-text('Accepted')")
    assert "Win the opportunity to turn it into an order." in page.locator("main").inner_text()

    # when: back on the board, the card is dragged onto "Won"
    page.goto(f"{live_server.url}/sales/pipeline/")
    won = stage("won")
    _drag_with_the_mouse(
        page, page.locator(f"[data-card='{opportunity.pk}']"), page.locator(f"[data-drop-stage='{won.pk}']")
    )

    # then: the board says which order the win made, from the accepted quote
    page.wait_for_selector("[data-board-status].alert-success [data-order-link]")
    _wait_for_stage(opportunity, "won", page)
    order = Order.objects.get()
    assert order.quote_id == quote.pk
    status = page.locator("[data-board-status]").inner_text()
    assert f"Order {order.number} was created from quote {quote.number}." in status
    assert page.locator(f"[data-card='{opportunity.pk}']").count() == 0

    # and: the order opens with the quote's line at the quote's price
    page.click("[data-order-link]")
    page.wait_for_selector(f"h1:has-text('Order {order.number}')")
    body = page.locator("main").inner_text()
    assert "Harbour crane hire" in body and "1,250.00" in body and "2,250.00" in body
    assert "Draft" in body

    # and: the opportunity's page links the order too
    page.goto(f"{live_server.url}{opportunity.get_absolute_url()}")
    assert order.number in page.locator("[data-testid=opportunity-orders]").inner_text()
