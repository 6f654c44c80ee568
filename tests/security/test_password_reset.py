"""Resetting a forgotten password by email: the link in the user's language, the same answer for unknown emails,
limited like sign-in, a clear page for a used or expired link, every session ended and the reset audited."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from records.models import AuditEntry
from tests.customers._support import page_text
from tests.factories.accounts import ProfileFactory
from tests.factories.customers import PASSWORD, RepFactory

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
SENT = reverse("password_reset_done")
LOGIN = reverse("login")
LIST = reverse("customers:customer-list")
NEW_PASSWORD = "quiet-orchard-lantern-1987"


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """The email is sent once the request's transaction commits: each request here runs its commit callbacks."""
    global _on_commit
    _on_commit = django_capture_on_commit_callbacks


def _request(client, email, *, address="198.51.100.7"):
    with _on_commit(execute=True):
        return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)


def _set_password(client, link, password=NEW_PASSWORD):
    form_page = client.get(link)  # Django moves the token into the session and redirects
    assert form_page.status_code == 302
    return client.post(form_page.url, {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_links_to_password_reset(client):
    assert f'href="{RESET}"' in page_text(client.get(LOGIN))


def test_the_reset_page_is_in_the_sites_layout_in_both_languages(client):
    english = page_text(client.get(RESET))
    client.cookies.load({"django_language": "zh-hans"})
    chinese = page_text(client.get(RESET))

    assert "Reset your password" in english and 'class="navbar' in english
    assert '<html lang="zh-hans">' in chinese and "电子邮件" in chinese  # Django's own label for the field


def test_reset_end_to_end_sets_the_new_password_and_audits_it(client, rep):
    # when: the rep asks for a link, follows it and chooses a new password
    response = _request(client, "Rep.One@Example.com")
    assert response.status_code == 302 and response.url == SENT
    (message,) = mail.outbox
    assert message.to == ["rep.one@example.com"]
    assert "Password reset on testserver" in message.subject
    done = _set_password(client, _link(message))

    # then
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert "Sign in with your new password" in page_text(client.get(done.url))
    rep.refresh_from_db()
    assert rep.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session  # the link signs nobody in
    requested = AuditEntry.objects.get(action=AuditEntry.Action.RESET_REQUESTED)
    assert requested.object_label == "rep.one@example.com" and requested.address == "198.51.100.7"
    reset = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_RESET)
    assert reset.actor == rep and reset.object_id == str(rep.pk)


def test_the_email_is_in_the_users_chosen_language(client, rep):
    ProfileFactory(user=rep, language="zh-hans")

    _request(client, "rep.one@example.com")  # asked from an English page

    (message,) = mail.outbox
    assert message.subject == "重置 testserver 的密码"  # Django's own Chinese
    assert "请访问该页面并选择一个新密码" in message.body


def test_without_a_chosen_language_the_email_is_in_the_language_it_was_asked_in(client, rep):
    client.cookies.load({"django_language": "zh-hans"})

    _request(client, "rep.one@example.com")

    assert mail.outbox[0].subject == "重置 testserver 的密码"
    english = Client()
    _request(english, "rep.one@example.com", address="198.51.100.8")
    assert "Password reset" in mail.outbox[1].subject


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, rep):
    known = _request(client, "rep.one@example.com")
    unknown = _request(Client(), "nobody@example.com")

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url) == (302, SENT)
    assert len(mail.outbox) == 1
    assert "If an account has that email address" in page_text(Client().get(SENT))


def test_an_inactive_user_gets_no_mail(client):
    RepFactory(username="gone", email="gone@example.com", is_active=False)

    response = _request(client, "gone@example.com")

    assert response.status_code == 302 and response.url == SENT
    assert mail.outbox == []


def test_a_malformed_email_is_refused_clearly(client, rep):
    response = _request(client, "not an email")

    assert response.status_code == 200 and "Enter a valid email address." in page_text(response)
    assert mail.outbox == [] and not AuditEntry.objects.filter(action=AuditEntry.Action.RESET_REQUESTED).exists()


def test_requests_for_one_email_are_limited(client, rep, settings):
    settings.CRM_PASSWORD_RESET_EMAIL_LIMIT = 3
    for number in range(3):
        _request(Client(), "rep.one@example.com", address=f"198.51.100.{number}")

    response = _request(client, "rep.one@example.com", address="203.0.113.9")

    assert response.status_code == 429
    assert "Too many password reset requests were made for this email address. Try again in 15 minutes." in (
        page_text(response)
    )
    assert len(mail.outbox) == 3


def test_unknown_emails_are_limited_alike_so_the_limit_tells_nothing(client, settings):
    settings.CRM_PASSWORD_RESET_EMAIL_LIMIT = 2
    for _ in range(2):
        _request(Client(), "nobody@example.com")

    assert _request(client, "nobody@example.com").status_code == 429


def test_requests_from_one_address_are_limited(client, rep, settings):
    settings.CRM_PASSWORD_RESET_ADDRESS_LIMIT = 4
    for number in range(4):
        _request(Client(), f"someone{number}@example.com")

    response = _request(client, "rep.one@example.com")

    assert response.status_code == 429
    assert "Too many password reset requests came from your address." in page_text(response)
    assert mail.outbox == []
    assert _request(Client(), "rep.one@example.com", address="203.0.113.9").status_code == 302  # others go on


def test_a_used_link_shows_a_clear_page(client, rep):
    _request(client, "rep.one@example.com")
    link = _link(mail.outbox[0])
    _set_password(client, link)

    response = Client().get(link, follow=True)

    html = page_text(response)
    assert "This link no longer works" in html and f'href="{RESET}"' in html
    assert 'name="new_password1"' not in html


def test_an_expired_link_shows_a_clear_page(client, rep, settings):
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is already past its time
    link = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(rep.pk)), "token": default_token_generator.make_token(rep)},
    )

    html = page_text(client.get(link, follow=True))

    assert "This link no longer works" in html


def test_a_weak_new_password_is_refused_and_nothing_changes(client, rep):
    _request(client, "rep.one@example.com")
    form_page = client.get(_link(mail.outbox[0]))

    response = client.post(form_page.url, {"new_password1": "password123", "new_password2": "password123"})

    assert response.status_code == 200 and "This password is too common." in page_text(response)
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET).exists()


def test_a_reset_ends_the_users_other_sessions(client, rep):
    elsewhere = Client()
    elsewhere.force_login(rep)
    assert elsewhere.get(LIST).status_code == 200

    _request(client, "rep.one@example.com")
    _set_password(client, _link(mail.outbox[0]))

    response = elsewhere.get(LIST)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_an_administrator_still_needs_the_second_factor_after_a_reset(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="Authenticator app", confirmed=True)
    _request(client, administrator.email)
    _set_password(client, _link(mail.outbox[0]))

    response = Client().post(LOGIN, {"username": administrator.username, "password": NEW_PASSWORD})

    assert response.status_code == 302 and response.url == reverse("security:sign-in-code")


def test_changing_the_password_is_audited_and_ends_other_sessions_only(client, rep):
    elsewhere = Client()
    elsewhere.force_login(rep)
    client.force_login(rep)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get(LIST).status_code == 200
    assert elsewhere.get(LIST).status_code == 302
    assert AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_CHANGE).actor == rep
