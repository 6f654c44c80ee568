"""Each user sees and enters times in their own time zone: pages, form values and the export; the first sign-in
takes the browser's zone."""

import csv
import io
from datetime import UTC, datetime
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.selectors import profile_of
from customers.models import Interaction
from tests.customers._support import page_text
from tests.factories.accounts import ProfileFactory
from tests.factories.customers import PASSWORD, InteractionFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
# 03:24 UTC is 11:24 in Shanghai (UTC+8, no daylight saving).
STORED = datetime(2026, 3, 2, 3, 24, tzinfo=UTC)


@pytest.fixture
def shanghai_rep(rep):
    ProfileFactory(user=rep, time_zone="Asia/Shanghai")
    return rep


def test_a_shanghai_user_sees_a_stored_time_in_shanghai_time(client, shanghai_rep, customer):
    InteractionFactory(customer=customer, occurred_at=STORED, subject="Renewal call")
    client.force_login(shanghai_rep)

    html = page_text(client.get(customer.get_absolute_url()))

    assert '<time datetime="2026-03-02T11:24:00+08:00" title="2 Mar 2026, 11:24">2 Mar 2026, 11:24</time>' in html


def test_a_user_without_a_zone_sees_the_sites_time_zone(client, rep, customer, settings):
    InteractionFactory(customer=customer, occurred_at=STORED)
    client.force_login(rep)

    html = page_text(client.get(customer.get_absolute_url()))

    assert settings.TIME_ZONE == "UTC"
    assert "2 Mar 2026, 03:24</time>" in html


def test_the_quick_log_offers_the_users_own_time_as_when(client, shanghai_rep, customer):
    client.force_login(shanghai_rep)
    now = datetime(2026, 3, 2, 3, 24, 30, tzinfo=UTC)

    with patch("django.utils.timezone.now", return_value=now):
        html = page_text(client.get(customer.get_absolute_url()))

    assert 'name="occurred_at" value="2026-03-02T11:24"' in html


def test_a_time_entered_in_shanghai_is_stored_in_utc_and_shown_back_unchanged(client, shanghai_rep, customer):
    # given: a Shanghai rep logs a call at 11:24 their time
    client.force_login(shanghai_rep)
    client.post(
        reverse("customers:interaction-create", args=[customer.pk]),
        {"channel": "call", "direction": "outbound", "occurred_at": "2026-03-02T11:24", "subject": "Renewal"},
    )

    # then: it is stored as 03:24 UTC
    interaction = Interaction.objects.get(subject="Renewal")
    assert interaction.occurred_at == STORED

    # and the edit form shows 11:24 again
    html = page_text(client.get(reverse("customers:interaction-update", args=[customer.pk, interaction.pk])))
    assert 'value="2026-03-02T11:24"' in html


def test_a_signed_out_page_after_a_shanghai_users_request_is_in_the_sites_zone(client, shanghai_rep):
    client.force_login(shanghai_rep)
    client.get(reverse("accounts:profile"))

    Client().get(LOGIN)

    assert timezone.get_current_timezone_name() == "UTC"


def test_the_export_writes_times_in_the_users_zone_and_names_it(client, shanghai_rep, customer):
    Profile.objects.filter(pk=shanghai_rep.pk).update(time_zone="America/New_York")
    client.force_login(shanghai_rep)
    customer.refresh_from_db()

    response = client.get(reverse("customers:customer-export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    header, row = rows[0], rows[1]
    column = header.index("Created (America/New_York)")
    assert "Updated (America/New_York)" in header
    assert datetime.fromisoformat(row[column]) == customer.created_at
    assert row[column].endswith(("-05:00", "-04:00"))


# The first sign-in --------------------------------------------------------------------------------------------------


def _sign_in(client, zone):
    return client.post(LOGIN, {"username": "rep.one", "password": PASSWORD, "browser_time_zone": zone})


def test_the_first_sign_in_takes_the_browsers_time_zone(client, rep):
    response = _sign_in(client, "Asia/Shanghai")

    assert response.status_code == 302
    rep.refresh_from_db()
    assert profile_of(rep).time_zone == "Asia/Shanghai"


def test_a_later_sign_in_does_not_replace_the_users_zone(client, rep):
    ProfileFactory(user=rep, time_zone="Europe/Berlin")

    _sign_in(client, "Asia/Shanghai")

    assert Profile.objects.get(user=rep).time_zone == "Europe/Berlin"


@pytest.mark.parametrize("bogus", ["Mars/Olympus_Mons", "localtime", "../../etc/passwd", "x" * 300])
def test_a_bogus_browser_zone_is_ignored_and_the_sign_in_goes_on(client, rep, bogus):
    response = _sign_in(client, bogus)

    assert response.status_code == 302
    assert not Profile.objects.filter(user=rep).exclude(time_zone="").exists()


def test_a_sign_in_with_two_factor_takes_the_zone_from_the_code_step(client, rep):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=rep, name="Authenticator app", confirmed=True)
    client.post(LOGIN, {"username": "rep.one", "password": PASSWORD, "browser_time_zone": "Asia/Tokyo"})
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"

    client.post(reverse("security:sign-in-code"), {"token": code, "browser_time_zone": "Asia/Tokyo"})

    assert Profile.objects.get(user=rep).time_zone == "Asia/Tokyo"


def test_the_sign_in_page_carries_the_zone_field_filled_by_the_sites_script(client):
    html = page_text(client.get(LOGIN))

    assert 'name="browser_time_zone"' in html and "data-browser-time-zone" in html
    assert "<script>" not in html  # filled by static/js/crm.js: the Content-Security-Policy allows no inline script


def test_the_users_zone_comes_with_the_user_in_one_query(client, shanghai_rep, django_assert_num_queries):
    from crm.backends import OneQueryPermissionsBackend

    with django_assert_num_queries(1):
        user = OneQueryPermissionsBackend().get_user(shanghai_rep.pk)
        assert profile_of(user).time_zone == "Asia/Shanghai"
