"""The profile page: each user's name, email, language and time zone, changed by them alone and audited."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Profile
from records.models import AuditEntry
from tests.customers._support import page_text
from tests.factories.accounts import ProfileFactory
from tests.factories.customers import RepFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile")
LIST = reverse("customers:customer-list")


def _form(user, **overrides) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": "en",
        "time_zone": "UTC",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["rep", "manager", "administrator"])
def test_each_role_sees_their_own_profile(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.get(URL)

    html = page_text(response)
    assert response.status_code == 200
    assert f'value="{user.first_name}"' in html and f'value="{user.email}"' in html
    assert f"<strong>{user.username}</strong>" in html
    assert '<option value="Asia/Shanghai">' in html and '<option value="UTC" selected>' in html
    assert reverse("password_change") in html and reverse("security:two-factor") in html


def test_the_user_menu_links_to_the_profile(client, rep):
    client.force_login(rep)

    assert f'href="{URL}"' in page_text(client.get(LIST))


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_saving_changes_name_email_and_zone_and_audits_it(client, rep):
    client.force_login(rep)

    response = client.post(
        URL, _form(rep, first_name="Rita", last_name="Li", email="rita.li@example.com", time_zone="Asia/Shanghai")
    )

    assert response.status_code == 302 and response.url == URL
    rep.refresh_from_db()
    assert (rep.last_name, rep.email) == ("Li", "rita.li@example.com")
    assert Profile.objects.get(user=rep).time_zone == "Asia/Shanghai"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROFILE_CHANGE)
    assert entry.actor == rep and entry.object_id == str(rep.pk)
    assert entry.detail["changed"] == ["last_name", "email", "language", "time_zone"]
    assert entry.detail["time_zone"] == {"from": "", "to": "Asia/Shanghai"}
    assert "rita.li@example.com" not in str(entry.detail)  # that it changed, not the address itself
    assert "Your profile was saved." in page_text(client.get(URL))


def test_saving_without_changes_records_nothing(client, rep):
    ProfileFactory(user=rep, time_zone="UTC", language="en")
    client.force_login(rep)

    client.post(URL, _form(rep))

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PROFILE_CHANGE).exists()
    assert "Nothing was changed." in page_text(client.get(URL))


def test_a_new_language_applies_at_once_and_is_remembered(client, rep):
    client.force_login(rep)

    response = client.post(URL, _form(rep, language="zh-hans"), follow=True)

    assert '<html lang="zh-hans">' in page_text(response)
    assert response.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert Profile.objects.get(user=rep).language == "zh-hans"
    # another browser, without the cookie, gets the user's language too
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert '<html lang="zh-hans">' in page_text(client.get(LIST))


def test_the_language_menu_is_remembered_on_the_profile(client, rep):
    client.force_login(rep)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST})

    assert Profile.objects.get(user=rep).language == "zh-hans"


def test_the_language_menu_while_signed_out_changes_no_profile(client, rep):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST})

    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone."),
        ("time_zone", "localtime", "“localtime” is not a time zone."),
        ("email", "not-an-email", "Enter a valid email address, such as wei.wang@example.com."),
        ("email", "", "This field is required."),
        ("language", "fr", "Select a valid choice."),
    ],
)
def test_bad_input_shows_a_clear_message_and_changes_nothing(client, rep, field, value, message):
    client.force_login(rep)

    response = client.post(URL, _form(rep, first_name="Changed", **{field: value}))

    assert response.status_code == 200
    assert message in page_text(response)
    rep.refresh_from_db()
    assert rep.first_name == "Rita"
    assert not Profile.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PROFILE_CHANGE).exists()


def test_another_users_email_is_refused(client, rep):
    RepFactory(username="someone", email="taken@example.com")
    client.force_login(rep)

    response = client.post(URL, _form(rep, email="Taken@Example.com", first_name="Changed"))

    assert "Another user has this email address" in page_text(response)
    rep.refresh_from_db()
    assert rep.first_name == "Rita" and rep.email == "rep.one@example.com"
