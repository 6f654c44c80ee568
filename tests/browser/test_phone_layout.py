"""The pages a rep opens on a phone fit a 390 px screen: nothing is wider than the window, so nothing needs
sideways scrolling."""

import pytest

from tests.browser.test_customer_journey import (  # noqa: F401
    CHROMIUM,
    FLAGS,
    browser_page,
)
from tests.factories.customers import PASSWORD, CustomerFactory, InteractionFactory, RepFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_customer_page_and_timeline_fit_a_phone(live_server, browser_page):  # noqa: F811
    page = browser_page
    rep = RepFactory(username="rep.phone")
    customer = CustomerFactory(owner=rep, name="Harbour Lights Trading Ltd", email="orders@harbourlights.test")
    InteractionFactory(customer=customer, user=rep, subject="Follow-up call about the proposal and the terms")
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "rep.phone")

    page.goto(f"{live_server.url}{customer.get_absolute_url()}")

    assert page.evaluate(OVERFLOW) <= 0
    subject = page.locator(".timeline-subject").first.bounding_box()
    assert subject["width"] > 200  # the subject reads across the card, not one word per line


def test_customer_list_is_cards_on_a_phone(live_server, browser_page):  # noqa: F811
    page = browser_page
    rep = RepFactory(username="rep.phone")
    for index in range(5):
        CustomerFactory(owner=rep, name=f"Harbour Lights Trading {index}", phone="+44 20 7946 0999")
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "rep.phone")
    page.goto(f"{live_server.url}/customers/")

    assert page.evaluate(OVERFLOW) <= 0
    assert page.locator("table thead").is_hidden()
    card = page.locator("table tbody tr").first
    assert "Harbour Lights Trading 0" in card.inner_text() and "+44 20 7946 0999" in card.inner_text()
    assert card.locator("td.col-owner").is_hidden()
