"""A manager ticks rows of the customer list and reassigns them in a real browser: the bar shows only the value
the chosen action needs, and the list comes back with the change said."""

import pytest

from customers.models import Customer
from tests.browser.test_customer_journey import browser_page  # noqa: F401  (the fixture)
from tests.factories.customers import PASSWORD, CustomerFactory, ManagerFactory, RepFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_ticks_two_rows_and_reassigns_them(live_server, browser_page):  # noqa: F811
    page = browser_page
    rep, other = RepFactory(username="rep.a", first_name="Ann"), RepFactory(username="rep.b", first_name="Ben")
    manager = ManagerFactory(username="manager.bulk")
    TeamFactory(name="North", manager=manager, members=[rep, other])
    first, second, third = (CustomerFactory(owner=rep, name=f"Bulk {n} Ltd") for n in "ABC")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "manager.bulk")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/customers/")

    assert page.locator("#bulk_owner").is_hidden()
    page.check(f"input[name=id][value='{first.pk}']")
    page.check(f"input[name=id][value='{second.pk}']")
    assert page.locator("[data-bulk-count]").inner_text() == "2 ticked"
    page.select_option("select[name=action]", "reassign")
    page.select_option("#bulk_owner", str(other.pk))
    page.click("button:has-text('Apply to ticked rows')")

    page.wait_for_selector("text=2 customers reassigned to")
    owners = dict(Customer.objects.values_list("name", "owner__username"))
    assert owners == {"Bulk A Ltd": "rep.b", "Bulk B Ltd": "rep.b", "Bulk C Ltd": "rep.a"} and third.pk
