"""Sign-in lockout behind the TLS proxy: each client keyed by its own address, forged headers ignored, and an
address guessing at many users locked as a whole."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.template.defaultfilters import time as time_filter
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from security.addresses import client_address
from tests.customers._support import page_text
from tests.factories.customers import PASSWORD, RepFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOCKED = "Too many failed sign-in attempts"
PROXY = "10.0.0.254"


def _sign_in(client, username, password, *, remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def _address(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


# The address ------------------------------------------------------------------------------------------------------


@override_settings(AXES_IPWARE_PROXY_COUNT=0)
def test_without_proxies_the_forwarded_header_is_ignored():
    assert _address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_entry_the_proxy_added():
    assert _address(PROXY, "203.0.113.1") == "203.0.113.1"
    # the client sent its own header; the proxy appended the real address after it
    assert _address(PROXY, "1.2.3.4, 203.0.113.1") == "203.0.113.1"


@override_settings(AXES_IPWARE_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_second_from_the_right():
    assert _address("10.0.0.1", "1.2.3.4, 203.0.113.1, 192.0.2.50") == "203.0.113.1"


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_a_proxy_a_request_without_the_header_is_keyed_on_its_own_address():
    assert _address("198.51.100.7") == "198.51.100.7"


# Lockout behind a proxy ----------------------------------------------------------------------------------------------


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_two_clients_behind_the_proxy_are_locked_out_separately(client, rep):
    # given: one client behind the proxy fails five times
    for _ in range(5):
        _sign_in(client, "rep.one", "wrong-password", forwarded="203.0.113.1")

    # when: the same user signs in from another client behind the same proxy, and from the first one
    other = _sign_in(Client(), "rep.one", PASSWORD, forwarded="203.0.113.2")
    again = _sign_in(Client(), "rep.one", PASSWORD, forwarded="203.0.113.1")

    # then: only the first client is locked out
    assert other.status_code == 302
    assert again.status_code == 429 and LOCKED in page_text(again)


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_the_proxy_a_forged_header_does_not_escape_the_lockout(client, rep):
    for number in range(5):
        _sign_in(client, "rep.one", "wrong-password", forwarded=f"192.0.2.{number}, 203.0.113.1")

    response = _sign_in(client, "rep.one", PASSWORD, forwarded="192.0.2.99, 203.0.113.1")

    assert response.status_code == 429


@override_settings(AXES_IPWARE_PROXY_COUNT=0)
def test_without_proxies_a_forged_header_neither_escapes_nor_moves_the_lockout(client, rep):
    # given: an attacker at one address claims a different address in every request
    for number in range(5):
        _sign_in(client, "rep.one", "wrong-password", remote="198.51.100.7", forwarded=f"203.0.113.{number}")

    # then: the attacker is locked out, and the addresses it claimed are not
    assert _sign_in(Client(), "rep.one", PASSWORD, remote="198.51.100.7", forwarded="192.0.2.1").status_code == 429
    assert _sign_in(Client(), "rep.one", PASSWORD, remote="203.0.113.1").status_code == 302


# Spraying across users ---------------------------------------------------------------------------------------------


def _users(count):
    return [RepFactory(username=f"sprayed.{number}") for number in range(count)]


@override_settings(AXES_IPWARE_PROXY_COUNT=1, CRM_ADDRESS_FAILURE_LIMIT=20)
def test_four_guesses_at_each_of_eight_users_lock_the_address(client, rep):
    # given: one address tries four passwords for each of eight users (never five for one)
    responses = []
    for user in _users(8):
        for _ in range(4):
            responses.append(_sign_in(client, user.username, "Summer2026!", forwarded="203.0.113.66"))

    # then: from the twentieth failure on the address is locked, even for a right password of another user
    assert [r.status_code for r in responses].index(429) == 19
    locked = _sign_in(client, "rep.one", PASSWORD, forwarded="203.0.113.66")
    assert locked.status_code == 429
    assert "Sign-in from your address is locked for 15 minutes" in page_text(locked)
    # and other addresses behind the proxy are not affected
    assert _sign_in(Client(), "rep.one", PASSWORD, forwarded="203.0.113.67").status_code == 302


@override_settings(CRM_ADDRESS_FAILURE_LIMIT=20)
def test_an_office_with_a_few_typos_each_is_not_locked(client, rep):
    for user in _users(6):
        for _ in range(3):
            _sign_in(client, user.username, "typo-password", remote="198.51.100.20")

    response = _sign_in(client, "rep.one", PASSWORD, remote="198.51.100.20")

    assert response.status_code == 302


@override_settings(CRM_ADDRESS_FAILURE_LIMIT=20)
def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(client, rep):
    # given: 19 failures across users, then the attacker signs in to an account of their own
    for user in _users(5):
        for _ in range(4 if user.username != "sprayed.4" else 3):
            _sign_in(client, user.username, "Summer2026!", remote="198.51.100.30")
    assert _sign_in(client, "rep.one", PASSWORD, remote="198.51.100.30").status_code == 302
    client.logout()

    # when: one more failure
    response = _sign_in(client, "sprayed.0", "Winter2026!", remote="198.51.100.30")

    # then
    assert response.status_code == 429


# The lockout page ---------------------------------------------------------------------------------------------------


def _locked_out(client, *, remote="198.51.100.40"):
    for _ in range(5):
        _sign_in(client, "rep.one", "wrong-password", remote=remote)
    response = _sign_in(client, "rep.one", PASSWORD, remote=remote)
    assert response.status_code == 429
    return response


def test_lockout_page_leads_back_to_sign_in(client, rep):
    html = page_text(_locked_out(client))

    assert f'href="{LOGIN}"' in html and "Back to sign-in" in html


def test_lockout_page_says_when_to_try_again(client, rep):
    # given: the lock counts from the last failed attempt, not from when the page is shown
    response = _locked_out(client)
    last_failure = AccessAttempt.objects.get(username="rep.one").attempt_time

    # then
    retry_at = time_filter(timezone.localtime(last_failure + timedelta(minutes=15)))
    assert f"From {retry_at} you can sign in again." in page_text(response)


@override_settings(AXES_IPWARE_PROXY_COUNT=0, CRM_ADDRESS_FAILURE_LIMIT=8)
def test_address_lockout_page_says_when_every_counted_failure_has_expired(client, rep):
    for user in _users(4):
        for _ in range(2):
            _sign_in(client, user.username, "Summer2026!", remote="198.51.100.50")
    response = _sign_in(client, "rep.one", PASSWORD, remote="198.51.100.50")

    last_failure = AccessAttempt.objects.filter(ip_address="198.51.100.50").latest("attempt_time").attempt_time
    retry_at = time_filter(timezone.localtime(last_failure + timedelta(minutes=15)))
    assert response.status_code == 429 and f"From {retry_at} you can sign in again." in page_text(response)


def test_lockout_page_leads_back_to_sign_in_and_to_password_reset(client, rep):
    html = page_text(_locked_out(client))

    assert f'href="{reverse("login")}"' in html and "Back to sign-in" in html
    assert f'href="{reverse("password_reset")}"' in html and "Reset your password" in html
