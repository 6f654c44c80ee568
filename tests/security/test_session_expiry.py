"""Sessions end after an idle time, 12 hours after sign-in, and for good when their user is deactivated."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

from security.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.customers._support import page_text
from tests.factories.customers import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LIST = reverse("customers:customer-list")


def _shift(client, key, seconds):
    """Pretend that `key` happened `seconds` earlier."""
    session = client.session
    session[key] -= seconds
    session.save()


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_idle_for_longer_than_the_idle_time_ends(client, rep):
    # given: a rep signed in 31 minutes ago, who has done nothing since
    client.force_login(rep)
    _shift(client, LAST_SEEN, 31 * 60)
    _shift(client, SIGNED_IN_AT, 31 * 60)

    # when
    response = client.get(LIST)

    # then: sent to sign in, and told why
    assert response.status_code == 302 and response.url == f"{LOGIN}?next={LIST}"
    assert "You were signed out after a while without activity." in page_text(client.get(response.url))


def test_a_session_used_within_the_idle_time_goes_on(client, rep):
    client.force_login(rep)
    _shift(client, LAST_SEEN, 29 * 60)

    assert client.get(LIST).status_code == 200


@override_settings(CRM_SESSION_IDLE_MINUTES=5)
def test_the_idle_time_is_a_setting(client, rep):
    client.force_login(rep)
    _shift(client, LAST_SEEN, 6 * 60)

    assert client.get(LIST).status_code == 302


def test_requests_keep_a_session_alive_beyond_the_idle_time(client, rep):
    # given: requests every 20 minutes, over an hour
    client.force_login(rep)
    for _ in range(3):
        _shift(client, LAST_SEEN, 20 * 60)
        _shift(client, SIGNED_IN_AT, 20 * 60)
        # when / then
        assert client.get(LIST).status_code == 200


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, rep):
    client.force_login(rep)
    _shift(client, SIGNED_IN_AT, 12 * 60 * 60 + 1)

    response = client.get(LIST)

    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_requests_a_minute_apart_or_less_do_not_rewrite_the_session(client, rep):
    client.force_login(rep)
    client.get(LIST)
    before = _session_row(client).session_data

    client.get(LIST)
    client.get(LIST)

    assert _session_row(client).session_data == before


def test_the_idle_clock_moves_when_a_minute_has_passed(client, rep):
    client.force_login(rep)
    _shift(client, LAST_SEEN, 90)
    before = client.session[LAST_SEEN]

    client.get(LIST)

    assert client.session[LAST_SEEN] >= before + 90


def test_reactivating_a_user_does_not_bring_back_their_old_sessions(client, rep):
    # given: a rep signed in, then deactivated and reactivated
    client.force_login(rep)
    assert client.get(LIST).status_code == 200
    rep.is_active = False
    rep.save()
    rep.is_active = True
    rep.save()

    # when: the old session comes back
    response = client.get(LIST)

    # then: it is over; signing in again works
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    fresh = Client()
    assert fresh.post(LOGIN, {"username": "rep.one", "password": PASSWORD}).status_code == 302
    assert fresh.get(LIST).status_code == 200


def test_saving_an_active_user_keeps_their_sessions(client, rep):
    client.force_login(rep)
    rep.first_name = "Rita-Maria"
    rep.save()

    assert client.get(LIST).status_code == 200


def test_a_session_from_before_these_checks_ends(client, rep):
    client.force_login(rep)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()

    assert client.get(LIST).status_code == 302
