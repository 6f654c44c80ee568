"""A sales rep's day in a real browser: sign in, create a customer, find it, log a call, read it in Chinese."""

import os
import shutil

import pytest

from tests.factories.customers import PASSWORD, RepFactory

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# serialized_rollback: a transactional test empties every table when it ends; this puts back what the
# migrations wrote (the role groups and their permissions) for the tests that run after it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CRM_BROWSER_TESTS"):
            pytest.fail(f"{CHROMIUM} is missing but CRM_BROWSER_TESTS is set")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test itself are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
        page.set_default_timeout(15_000)
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_rep_creates_finds_logs_and_reads_in_chinese(live_server, browser_page):
    page = browser_page
    RepFactory(username="rep.browser", first_name="Bea", last_name="Browser")

    # sign in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "rep.browser")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Your day"
    page.click("#main-nav >> text=Customers")
    page.wait_for_url(f"{live_server.url}/customers/")

    # create a customer
    page.click("text=New customer")
    page.select_option("select[name=kind]", "company")
    page.fill("input[name=name]", "Harbour Lights Trading Ltd")
    page.fill("input[name=email]", "Orders@HarbourLights.test")
    page.fill("input[name=phone]", "+44 20 7946 0999")
    page.fill("input[name=city]", "Bristol")
    page.select_option("select[name=country]", "GB")
    page.select_option("select[name=tier]", "A")
    page.click("button:has-text('Create customer')")
    page.wait_for_selector("text=Customer “Harbour Lights Trading Ltd” was created.")
    detail_url = page.url
    assert page.locator("h1").inner_text() == "Harbour Lights Trading Ltd"
    assert "orders@harbourlights.test" in page.content()

    # find it by searching a word from the middle of its name
    page.click("nav >> text=Customers")
    page.fill("input[name=q]", "lights")
    page.click("button:has-text('Filter')")
    row = page.locator("table tbody tr", has_text="Harbour Lights Trading Ltd")
    assert row.count() == 1
    row.locator("a", has_text="Harbour Lights Trading Ltd").click()
    page.wait_for_url(detail_url)

    # log a call with the quick form
    page.select_option("#id_channel", "call")
    page.fill("#id_subject", "Introduced the spring catalogue")
    page.fill("#id_summary", "Wants prices for 500 units.")
    page.select_option("#id_outcome", "positive")
    page.fill("#id_next_step", "Send a quote")
    page.click("button:has-text('Log interaction')")
    page.wait_for_selector("text=The interaction was logged.")
    timeline = page.locator(".timeline")
    assert "Introduced the spring catalogue" in timeline.inner_text()
    assert "Send a quote" in timeline.inner_text()

    # switch to Chinese: the same page, in Chinese
    page.select_option("#language-switch", "zh-hans")
    page.wait_for_load_state("load")
    page.wait_for_selector("html[lang=zh-hans]")
    body = page.locator("body").inner_text()
    assert "客户" in body and "时间线" in body and "记录互动" in body
    assert "Introduced the spring catalogue" in body  # the data itself is not translated
    assert "Timeline" not in body
