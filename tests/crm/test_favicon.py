"""The site's icon: linked from every page, the sign-in page and the admin, and found at /favicon.ico."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.customers._support import page_text

pytestmark = pytest.mark.django_db

ICONS = ["img/favicon.svg", "img/favicon.png"]


def _linked_icons(response) -> set[str]:
    return set(re.findall(r'<link rel="(?:icon|apple-touch-icon)"[^>]*href="([^"]+)"', page_text(response)))


@pytest.mark.parametrize("path", ICONS + ["img/favicon.ico"])
def test_icon_files_are_static_files(path):
    found = finders.find(path)
    assert found, f"{path} is not in static/"
    with open(found, "rb") as icon:
        assert icon.read(4) in (b"<svg", b"\x89PNG", b"\x00\x00\x01\x00")


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302 and response.url == static("img/favicon.ico")


def test_sign_in_page_links_the_icon(client):
    assert {static(path) for path in ICONS} <= _linked_icons(client.get(reverse("login")))


def test_pages_link_the_icon(client, rep):
    client.force_login(rep)

    assert {static(path) for path in ICONS} <= _linked_icons(client.get(reverse("customers:customer-list")))


def test_admin_pages_link_the_icon(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert {static(path) for path in ICONS} <= _linked_icons(response)
