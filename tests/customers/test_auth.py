"""Signing in and out: the login page, password rules, lockout after failed attempts, deactivated users."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.customers._support import page_text
from tests.factories.customers import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LIST = reverse("customers:customer-list")
HOME = reverse("home")
LOCKED = "Too many failed sign-in attempts"


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_renders(client):
    response = client.get(LOGIN)

    html = page_text(response)
    assert response.status_code == 200
    assert "Sign in" in html and 'name="username"' in html and 'name="password"' in html


def test_correct_password_signs_in_and_opens_the_home_page(client, rep):
    response = _sign_in(client, "rep.one", PASSWORD)

    assert response.status_code == 302 and response.url == HOME
    assert _signed_in(client)


def test_wrong_password_shows_error(client, rep):
    response = _sign_in(client, "rep.one", "not-the-password")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in page_text(response)
    assert not _signed_in(client)


# Passwords -------------------------------------------------------------------------------------------------------


def test_password_of_eleven_characters_is_too_short():
    with pytest.raises(ValidationError) as error:
        validate_password("kx7-pq2-mz9")

    assert "This password is too short. It must contain at least 12 characters." in error.value.messages


def test_password_of_twelve_characters_is_accepted():
    validate_password("kx7-pq2-mz9w")  # no exception


def test_password_change_page_refuses_short_password(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "kx7-pq2-mz9",
            "new_password2": "kx7-pq2-mz9",
        },
    )

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in page_text(response)
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)


def test_password_change_page_accepts_long_password(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "kx7-pq2-mz9w",
            "new_password2": "kx7-pq2-mz9w",
        },
        follow=True,
    )

    assert "Your password was changed." in page_text(response)
    rep.refresh_from_db()
    assert rep.check_password("kx7-pq2-mz9w")


# Lockout ---------------------------------------------------------------------------------------------------------


def _fail_five_times(client, username="rep.one", address="10.0.0.1"):
    for _ in range(5):
        _sign_in(client, username, "wrong-password", address)


def test_four_failures_still_allow_the_right_password(client, rep):
    for _ in range(4):
        _sign_in(client, "rep.one", "wrong-password")

    response = _sign_in(client, "rep.one", PASSWORD)

    assert response.status_code == 302 and _signed_in(client)


def test_sixth_attempt_after_five_failures_is_locked_even_with_right_password(client, rep):
    # given
    _fail_five_times(client)

    # when
    response = _sign_in(client, "rep.one", PASSWORD)

    # then
    assert response.status_code == 429
    assert LOCKED in page_text(response)
    assert not _signed_in(client)


def test_fifth_failure_already_shows_the_lockout_page(client, rep):
    for _ in range(4):
        _sign_in(client, "rep.one", "wrong-password")

    response = _sign_in(client, "rep.one", "wrong-password")

    assert response.status_code == 429 and LOCKED in page_text(response)


def test_lockout_page_says_how_long_in_words(client, rep):
    _fail_five_times(client)

    text = page_text(_sign_in(client, "rep.one", PASSWORD))

    assert "15 minutes" in text
    assert "PT15M" not in text  # the ISO 8601 duration axes passes as `cooloff_time`


def test_same_user_from_another_address_can_still_sign_in(client, rep):
    _fail_five_times(client, address="10.0.0.1")

    response = _sign_in(client, "rep.one", PASSWORD, address="10.0.0.2")

    assert response.status_code == 302 and _signed_in(client)


def test_another_user_from_the_same_address_can_still_sign_in(client, rep, teammate):
    _fail_five_times(client, username="rep.one", address="10.0.0.1")

    response = _sign_in(client, "rep.two", PASSWORD, address="10.0.0.1")

    assert response.status_code == 302 and _signed_in(client)


# Sessions --------------------------------------------------------------------------------------------------------


def test_deactivated_users_session_ends(client, rep):
    # given: a signed-in rep
    client.force_login(rep)
    assert client.get(LIST).status_code == 200

    # when: an administrator deactivates them
    rep.is_active = False
    rep.save()

    # then: their next request is sent to the login page
    response = client.get(LIST)
    assert response.status_code == 302 and response.url == f"{LOGIN}?next={LIST}"


def test_deactivated_user_cannot_sign_in(client, rep):
    rep.is_active = False
    rep.save()

    response = _sign_in(client, "rep.one", PASSWORD)

    assert response.status_code == 200 and not _signed_in(client)


def test_logout_by_post_ends_the_session(client, rep):
    client.force_login(rep)

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response.url == LOGIN
    assert client.get(LIST).status_code == 302


def test_logout_by_get_is_refused(client, rep):
    client.force_login(rep)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.get(LIST).status_code == 200


def test_login_does_not_redirect_to_another_site(client, rep):
    response = client.post(
        f"{LOGIN}?next=https://attacker.test/",
        {"username": "rep.one", "password": PASSWORD, "next": "https://attacker.test/"},
    )

    assert response.status_code == 302 and response.url == HOME


def test_signed_in_user_on_login_page_goes_to_the_home_page(client, rep):
    client.force_login(rep)

    response = client.get(LOGIN)

    assert response.status_code == 302 and response.url == HOME
