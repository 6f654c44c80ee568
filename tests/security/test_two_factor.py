"""Two-factor sign-in: enrolment with an authenticator app, the code step, recovery codes, turning it off, and
administrators, who must use it."""

import re

import pytest
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.services import recovery_codes_create
from tests.customers._support import page_text
from tests.factories.customers import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
CODE = reverse("security:sign-in-code")
LIST = reverse("customers:customer-list")
TWO_FACTOR = reverse("security:two-factor")
ENROL = reverse("security:two-factor-enrol")
RECOVERY = reverse("security:recovery-codes")
DISABLE = reverse("security:two-factor-disable")
ADMIN = reverse("admin:index")


def _code(device, ahead=0) -> str:
    """The code the user's app shows now (`ahead` steps later, as the next code for a device just used)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):06d}"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def signals():
    """Sign-in events as the audit log will receive them."""
    events = []

    def on_success(sender, user, **kwargs):
        events.append(("in", user.get_username()))

    def on_failure(sender, credentials, **kwargs):
        events.append(("failed", credentials.get("username")))

    user_logged_in.connect(on_success)
    user_login_failed.connect(on_failure)
    yield events
    user_logged_in.disconnect(on_success)
    user_login_failed.disconnect(on_failure)


# Enrolment ---------------------------------------------------------------------------------------------------------


def test_two_factor_page_offers_to_turn_it_on(client, rep):
    client.force_login(rep)

    html = page_text(client.get(TWO_FACTOR))

    assert "Two-factor authentication is off." in html and ENROL in html


def test_user_menu_links_to_two_factor_settings(client, rep):
    client.force_login(rep)

    assert f'href="{TWO_FACTOR}"' in page_text(client.get(LIST))


def test_enrol_page_shows_a_qr_code_and_the_key(client, rep):
    client.force_login(rep)

    html = page_text(client.get(ENROL))

    assert re.search(r'<img class="qr-code[^"]*" src="data:image/svg\+xml;base64,', html)
    assert re.search(r'id="secret-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', html)
    assert TOTPDevice.objects.get(user=rep).confirmed is False


def test_a_wrong_code_does_not_turn_it_on(client, rep):
    client.force_login(rep)
    client.get(ENROL)

    response = client.post(ENROL, {"token": "000000"})

    assert response.status_code == 200 and "That code is not right." in page_text(response)
    assert not TOTPDevice.objects.filter(user=rep, confirmed=True).exists()


def test_the_right_code_turns_it_on_and_shows_recovery_codes_once(client, rep):
    # given
    client.force_login(rep)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=rep)

    # when
    response = client.post(ENROL, {"token": _code(device)}, follow=True)

    # then: on, with ten recovery codes shown now and never again
    device.refresh_from_db()
    assert device.confirmed
    html = page_text(response)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", html)
    assert len(codes) == 10 and set(codes) == set(
        StaticToken.objects.filter(device__user=rep).values_list("token", flat=True)
    )
    assert "Two-factor authentication is on." in html
    later = page_text(client.get(RECOVERY))
    assert not any(code in later for code in codes) and "You have 10 unused recovery codes." in later


def test_turning_it_on_ends_the_users_other_sessions_but_not_this_one(client, rep):
    other = Client()
    other.force_login(rep)
    client.force_login(rep)
    client.get(ENROL)

    client.post(ENROL, {"token": _code(TOTPDevice.objects.get(user=rep))})

    assert client.get(LIST).status_code == 200
    assert other.get(LIST).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, rep):
    _enrolled(rep)
    old = set(recovery_codes_create(user=rep))
    client.force_login(rep)

    html = page_text(client.post(RECOVERY, follow=True))

    new = set(re.findall(r"<li>([a-z2-7]{8})</li>", html))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.filter(device__user=rep).values_list("token", flat=True)) == new


# Signing in with a code --------------------------------------------------------------------------------------------


def test_password_alone_does_not_sign_in_a_user_with_two_factor(client, rep, signals):
    _enrolled(rep)

    response = client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})

    assert response.status_code == 302 and response.url == CODE
    assert not _signed_in(client) and signals == []
    assert client.get(LIST).status_code == 302


def test_the_code_completes_the_sign_in(client, rep, signals):
    device = _enrolled(rep)
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})

    response = client.post(CODE, {"token": _code(device)})

    assert response.status_code == 302 and response.url == reverse("home")
    assert _signed_in(client) and signals == [("in", "rep.one")]
    assert client.get(LIST).status_code == 200


def test_the_sign_in_goes_on_to_the_page_asked_for(client, rep, customer):
    device = _enrolled(rep)
    detail = reverse("customers:customer-detail", args=[customer.pk])
    client.post(f"{LOGIN}?next={detail}", {"username": "rep.one", "password": PASSWORD, "next": detail})

    response = client.post(CODE, {"token": _code(device)})

    assert response.url == detail


def test_a_wrong_code_is_a_failed_sign_in(client, rep, signals):
    _enrolled(rep)
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})

    response = client.post(CODE, {"token": "123456"})

    assert response.status_code == 200 and "That code is not right." in page_text(response)
    assert not _signed_in(client) and signals == [("failed", "rep.one")]


def test_five_wrong_codes_lock_the_sign_in(client, rep):
    device = _enrolled(rep)
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    for _ in range(4):
        client.post(CODE, {"token": "123456"}, REMOTE_ADDR="10.0.0.9")

    fifth = client.post(CODE, {"token": "123456"}, REMOTE_ADDR="10.0.0.9")
    right = client.post(CODE, {"token": _code(device)}, REMOTE_ADDR="10.0.0.9")

    assert fifth.status_code == 429 and right.status_code == 429 and not _signed_in(client)


def test_a_recovery_code_signs_in_once(client, rep):
    _enrolled(rep)
    code = recovery_codes_create(user=rep)[0]

    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})
    first = client.post(CODE, {"token": code.upper()}, follow=True)
    client.post(reverse("logout"))
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})
    second = client.post(CODE, {"token": code})

    assert "9 recovery codes are left" in page_text(first)
    assert second.status_code == 200 and not _signed_in(client)


def test_the_code_step_expires(client, rep, settings):
    device = _enrolled(rep)
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})
    settings.CRM_TWO_FACTOR_STEP_SECONDS = -1

    response = client.post(CODE, {"token": _code(device)})

    assert response.status_code == 302 and response.url == LOGIN and not _signed_in(client)


def test_the_code_step_without_a_password_step_goes_to_sign_in(client):
    response = client.get(CODE)

    assert response.status_code == 302 and response.url == LOGIN


# Turning it off ----------------------------------------------------------------------------------------------------


def test_a_rep_can_turn_it_off_with_their_password(client, rep):
    _enrolled(rep)
    recovery_codes_create(user=rep)
    client.force_login(rep)

    wrong = client.post(DISABLE, {"password": "not-my-password"})
    right = client.post(DISABLE, {"password": PASSWORD}, follow=True)

    assert "That is not your password." in page_text(wrong)
    assert "Two-factor authentication is off." in page_text(right)
    assert not TOTPDevice.objects.filter(user=rep).exists() and not StaticToken.objects.filter(device__user=rep)


def test_an_administrator_cannot_turn_it_off(client, administrator):
    client.force_login(administrator)

    page = page_text(client.get(DISABLE))
    client.post(DISABLE, {"password": PASSWORD})

    assert "Administrators must keep two-factor authentication on." in page
    assert TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()


# Administrators ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST, ADMIN, TWO_FACTOR, reverse("password_change")])
def test_an_administrator_without_two_factor_is_sent_to_enrolment_first(client, administrator, path):
    client.post(LOGIN, {"username": "admin.one", "password": PASSWORD})

    response = client.get(path)

    assert response.status_code == 302 and response.url == ENROL


def test_a_staff_user_without_two_factor_is_sent_to_enrolment(client, rep):
    rep.is_staff = True
    rep.save()
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD})

    assert client.get(LIST).url == ENROL


def test_an_administrator_can_enrol_and_then_reach_everything(client, administrator):
    client.post(LOGIN, {"username": "admin.one", "password": PASSWORD})
    assert client.get(ENROL).status_code == 200

    client.post(ENROL, {"token": _code(TOTPDevice.objects.get(user=administrator))})

    assert client.get(LIST).status_code == 200
    assert client.get(ADMIN).status_code == 200


def test_an_administrator_without_two_factor_can_still_sign_out(client, administrator):
    client.post(LOGIN, {"username": "admin.one", "password": PASSWORD})

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response.url == LOGIN and not _signed_in(client)


def test_an_administrator_session_without_the_code_is_signed_out(client, administrator):
    # given: an administrator with an authenticator whose session skipped the code (signed in elsewhere)
    _enrolled(administrator)
    client.password_only_login(administrator)

    # when
    response = client.get(ADMIN)

    # then
    assert response.status_code == 302 and response.url.startswith(LOGIN) and not _signed_in(client)


def test_the_admin_sites_own_login_page_sends_to_the_two_step_sign_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/customers/")

    assert response.status_code == 302 and response.url == f"{LOGIN}?next=/admin/customers/"


def test_an_administrator_signs_in_with_password_and_code(client, administrator, signals):
    device = _enrolled(administrator)

    client.post(LOGIN, {"username": "admin.one", "password": PASSWORD})
    client.post(CODE, {"token": _code(device)})

    assert client.get(ADMIN).status_code == 200 and signals == [("in", "admin.one")]
