"""The top navigation in a real browser: on one row at 1,400 px with every part a rep uses, behind its button on a
phone; and a rep's home page, from which a task is marked done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.test_customer_journey import (  # noqa: F401
    CHROMIUM,
    FLAGS,
    browser_page,
)
from tests.factories.customers import PASSWORD, CustomerFactory, RepFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
LABELS = ["Home", "Customers", "Pipeline", "Opportunities", "Orders", "Products", "Tasks"]


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_navigation_is_one_row_on_a_wide_screen(live_server, browser_page):  # noqa: F811
    page = browser_page
    RepFactory(username="rep.wide", first_name="Wanda", last_name="Wide")
    page.set_viewport_size({"width": 1400, "height": 900})
    _sign_in(page, live_server, "rep.wide")

    links = page.locator("#main-nav .nav-link")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}

    assert links.all_inner_texts() == LABELS and len(tops) == 1
    menu = page.locator("#user-menu").bounding_box()
    assert menu["x"] + menu["width"] <= 1400 and round(menu["y"]) <= min(tops) + 8
    assert page.evaluate(OVERFLOW) <= 0


def test_on_a_phone_the_navigation_opens_from_its_button_and_home_fits(live_server, browser_page):  # noqa: F811
    page = browser_page
    rep = RepFactory(username="rep.phone")
    customer = CustomerFactory(owner=rep, name="Harbour Lights Trading Ltd")
    TaskFactory(
        customer=customer, subject="Call Harbour Lights about the renewal", due_at=timezone.now() - timedelta(hours=1)
    )
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "rep.phone")

    assert page.evaluate(OVERFLOW) <= 0
    assert page.locator("#main-nav .nav-link").first.is_hidden()
    page.click(".navbar-toggler")
    page.locator("#main-nav .nav-link", has_text="Tasks").wait_for(state="visible")
    assert page.locator("#main-nav .nav-link").all_inner_texts() == LABELS


def test_a_rep_marks_an_overdue_task_done_from_home(live_server, browser_page):  # noqa: F811
    page = browser_page
    rep = RepFactory(username="rep.home")
    customer = CustomerFactory(owner=rep, name="Harbour Lights Trading Ltd")
    TaskFactory(customer=customer, subject="Call Harbour Lights", due_at=timezone.now() - timedelta(hours=2))
    _sign_in(page, live_server, "rep.home")
    overdue = page.locator("[data-testid=overdue-tasks]")
    assert "Call Harbour Lights" in overdue.inner_text()

    overdue.locator("[data-testid=task-complete]").click()

    page.wait_for_url(f"{live_server.url}/")
    assert "“Call Harbour Lights” is done." in page.locator(".alert").inner_text()
    assert "Nothing overdue." in page.locator("[data-testid=overdue-tasks]").inner_text()
