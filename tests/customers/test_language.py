"""Switching the interface to Simplified Chinese and back."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.customers._support import page_text

pytestmark = pytest.mark.django_db

LIST = reverse("customers:customer-list")
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _translation(msgid: str) -> str:
    """The catalogue's Chinese for `msgid` (the test asserts what the translators wrote, not a guess)."""
    assert CATALOGUE.exists(), f"no Chinese catalogue at {CATALOGUE}"
    match = re.search(rf'^msgid "{re.escape(msgid)}"\nmsgstr "(.+)"$', CATALOGUE.read_text("utf-8"), re.M)
    assert match, f"{msgid!r} is not translated in {CATALOGUE.name}"
    return match.group(1)


def _choose(client, language: str, next_url: str = LIST):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_choosing_chinese_redirects_back(client, rep):
    client.force_login(rep)

    response = _choose(client, "zh-hans")

    assert response.status_code == 302 and response.url == LIST


def test_chinese_list_page_shows_chinese_navigation_and_headings(client, rep, customer):
    # given
    client.force_login(rep)
    _choose(client, "zh-hans")

    # when
    response = client.get(LIST)

    # then
    html = page_text(response)
    assert '<html lang="zh-hans">' in html
    assert _translation("Customers") == "客户"
    assert f">{_translation('Customers')}</a>" in html  # the navigation link
    assert _translation("Export CSV") in html and _translation("New customer") in html
    assert "Acme Logistics Ltd" in html  # data is not translated


def test_chinese_customer_page_shows_chinese_sections(client, rep, customer):
    client.force_login(rep)
    _choose(client, "zh-hans")

    html = page_text(client.get(customer.get_absolute_url()))

    assert _translation("Timeline") in html and _translation("Log an interaction") in html


def test_chinese_login_page_uses_chinese_labels(client):
    _choose(client, "zh-hans", next_url=reverse("login"))

    html = page_text(client.get(reverse("login")))

    assert _translation("Sign in") in html
    assert "用户名" in html  # Django's own catalogue: "Username"


def test_switching_back_to_english_shows_english(client, rep):
    client.force_login(rep)
    _choose(client, "zh-hans")
    _choose(client, "en")

    html = page_text(client.get(LIST))

    assert '<html lang="en">' in html and ">Customers</a>" in html


def test_unknown_language_keeps_english(client, rep):
    client.force_login(rep)

    _choose(client, "xx")

    assert '<html lang="en">' in page_text(client.get(LIST))


def test_language_switch_does_not_redirect_to_another_site(client, rep):
    client.force_login(rep)

    response = _choose(client, "zh-hans", next_url="https://attacker.test/")

    assert response.status_code == 302 and not response.url.startswith("https://attacker.test")
