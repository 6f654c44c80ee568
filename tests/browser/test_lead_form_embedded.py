"""A visitor fills in the web-to-lead form inside a frame on another site's page (a third-party frame: no cookie of
ours is needed), lands on the thank-you page in the frame, and the lead exists; a site the form does not list cannot
show it; on a 390 px phone the form fits the screen."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from customers.models import Customer
from tests.browser.test_customer_journey import browser_page  # noqa: F401  (the fixture)
from tests.factories.customers import ManagerFactory, RepFactory, TeamFactory
from tests.factories.leads import LeadFormFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def other_site():
    """Another site, serving one page that embeds a given address in a frame, as a customer's website would. A real
    server on 127.0.0.1 (the CRM's test server is at localhost: another site to the browser), as Chromium refuses
    frames from a page it cannot place on the local network (Local Network Access)."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    def embed(form_url: str) -> str:
        pages["/"] = (
            "<!doctype html><html><head><title>Shop</title></head><body><h1>Our shop</h1>"
            f'<iframe src="{form_url}" title="Contact form" width="100%" height="820"></iframe></body></html>'
        )
        return f"{origin}/"

    embed.origin = origin
    yield embed
    server.shutdown()
    server.server_close()


@pytest.fixture
def lead_form(other_site):
    cache.clear()
    rep = RepFactory(username="rep.web", first_name="Wendy", last_name="Web")
    team = TeamFactory(name="Web team", manager=ManagerFactory(username="manager.web"), members=[rep])
    return LeadFormFactory(
        team=team, allowed_origins=other_site.origin, thank_you_message="Thanks! We call you back today."
    )


def test_a_visitor_sends_the_form_from_a_frame_on_another_site(live_server, browser_page, other_site, lead_form):  # noqa: F811
    page = browser_page
    shop = other_site(f"{live_server.url}{lead_form.get_absolute_url()}")

    # given: the shop's page with the form in a frame
    page.goto(shop)
    frame = page.frame_locator("iframe")
    frame.locator("h1").wait_for()
    assert frame.locator("h1").inner_text() == "Contact us"

    # when: the visitor fills it in and sends it
    frame.locator("input[name=name]").fill("Jane Roe")
    frame.locator("input[name=company]").fill("Roe Widgets Ltd")
    frame.locator("input[name=email]").fill("jane@roe.test")
    frame.locator("textarea[name=message]").fill("Forty scanners for the new warehouse.")
    frame.locator("button[type=submit]").click()

    # then: the thank-you page, still in the frame on the shop's page, and the lead in the CRM
    frame.locator("[data-testid=lead-form-thanks]").wait_for()
    assert "Thanks! We call you back today." in frame.locator("[data-testid=lead-form-thanks]").inner_text()
    assert page.url == shop
    assert page.context.cookies(live_server.url) == []  # nothing needed a cookie of ours
    customer = Customer.objects.get()
    assert (customer.name, customer.lifecycle_stage, customer.owner.username) == ("Roe Widgets Ltd", "lead", "rep.web")
    assert customer.interactions.get().summary == "Forty scanners for the new warehouse."


def test_a_missing_field_is_explained_in_the_frame(live_server, browser_page, other_site, lead_form):  # noqa: F811
    page = browser_page
    page.goto(other_site(f"{live_server.url}{lead_form.get_absolute_url()}"))
    frame = page.frame_locator("iframe")

    frame.locator("input[name=name]").fill("Jane Roe")
    frame.locator("button[type=submit]").click()

    frame.locator(".invalid-feedback").first.wait_for()
    assert "Enter an email address or a phone number" in frame.locator("form").inner_text()
    assert not Customer.objects.exists()


def test_a_site_the_form_does_not_list_cannot_show_it(live_server, browser_page, other_site, lead_form):  # noqa: F811
    # given: the form lists another origin than the site embedding it
    lead_form.allowed_origins = "https://www.example.com"
    lead_form.save()
    page = browser_page

    page.goto(other_site(f"{live_server.url}{lead_form.get_absolute_url()}"))
    page.wait_for_timeout(1500)

    frame = page.frames[1]
    assert frame.url.startswith("chrome-error://"), frame.url
    assert "Contact us" not in frame.content()


def test_the_form_fits_a_390_px_phone(live_server, browser_page, lead_form):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}{lead_form.get_absolute_url()}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("input[name=website]").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # the honeypot is out of sight
    assert page.locator("button[type=submit]").is_visible()
    assert page.locator("input[name=email]").bounding_box()["width"] > 300  # the fields take the phone's width
