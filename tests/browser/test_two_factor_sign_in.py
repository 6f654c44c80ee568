"""An administrator in a real browser: sent to two-factor enrolment at first sign-in, scans (types) the key,
confirms with a code, signs out, and signs in again with password and code. No page breaks the
Content-Security-Policy."""

import base64
import time

import pytest
from django_otp.oath import totp

from tests.browser.test_customer_journey import browser_page  # noqa: F401  (the fixture)
from tests.factories.customers import PASSWORD, AdministratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _code(secret: str, *, ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page (`ahead` steps later)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=ahead):06d}"


def test_administrator_enrols_and_signs_in_with_password_and_code(live_server, browser_page):  # noqa: F811
    page = browser_page
    AdministratorFactory(username="admin.browser", first_name="Ada", last_name="Browser")
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    # sign in with the password: an administrator is sent to enrolment first
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "admin.browser")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/enrol/")
    assert "Administrators must turn on two-factor authentication" in page.content()
    assert page.locator("img.qr-code").evaluate("img => img.complete && img.naturalWidth > 0")

    # type the key into the "app" and confirm with the code it shows
    secret = page.locator("#secret-key").inner_text()
    page.fill("input[name=token]", _code(secret))
    page.click("button:has-text('Confirm')")
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/recovery-codes/")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=Continue")
    page.wait_for_url(f"{live_server.url}/")

    # sign out from the user menu
    page.click("#user-menu")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(f"{live_server.url}/accounts/login/")

    # sign in again: password, then the code (the next one: the enrolment used the current one)
    page.fill("input[name=username]", "admin.browser")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/login/code/")
    page.fill("input[name=token]", _code(secret, ahead=1))
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "The company today"

    # the administration is open to this verified session
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#site-name").count() == 1
    time.sleep(0.2)  # let late console messages arrive
    assert violations == []
