"""A record out of reach, or a page the user may not open, shows the site's own page, also with debugging on."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.customers._support import page_text

pytestmark = pytest.mark.django_db

DEBUG_PAGE = "DEBUG = True"


def _chinese(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})


@pytest.mark.parametrize("debug", [True, False])
def test_another_owners_customer_shows_the_sites_not_found_page(client, rep, foreign_customer, debug):
    client.force_login(rep)

    with override_settings(DEBUG=debug):
        response = client.get(foreign_customer.get_absolute_url())

    html = page_text(response)
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Page not found" in html and 'class="navbar' in html  # the site's layout, with its navigation
    assert DEBUG_PAGE not in html and "URLconf" not in html and "customers:customer-detail" not in html
    assert foreign_customer.name not in html


@override_settings(DEBUG=True)
def test_not_found_page_is_in_the_users_language(client, rep, foreign_customer):
    client.force_login(rep)
    _chinese(client)

    response = client.get(foreign_customer.get_absolute_url())

    html = page_text(response)
    assert response.status_code == 404
    assert "页面不存在" in html and "返回客户列表" in html and '<html lang="zh-hans">' in html


@pytest.mark.parametrize("debug", [True, False])
def test_page_the_user_may_not_open_shows_the_sites_forbidden_page(client, rep, debug):
    client.force_login(rep)  # a rep may not read the audit log

    with override_settings(DEBUG=debug):
        response = client.get(reverse("records:audit-log"))

    html = page_text(response)
    assert response.status_code == 403
    assert "You are not allowed to do this" in html and 'class="navbar' in html
    assert DEBUG_PAGE not in html


@override_settings(DEBUG=True)
def test_forbidden_page_is_in_the_users_language(client, rep):
    client.force_login(rep)
    _chinese(client)

    response = client.get(reverse("records:audit-log"))

    assert response.status_code == 403 and "您无权执行此操作" in page_text(response)
