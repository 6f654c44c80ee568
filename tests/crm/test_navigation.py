"""The top navigation: from every page, the parts of the CRM the user may open (Home, Customers, Pipeline,
Opportunities, Orders, Products, Tasks), the current one marked, and the notifications bell."""

import re

import pytest
from django.urls import reverse

from accounts.roles import MARKETER, SUPPORT_AGENT
from tests.customers._support import page_text
from tests.factories.customers import UserFactory
from tests.factories.sales import OpportunityFactory
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a class="nav-link( active)?"(?: aria-current="page")? href="([^"]+)">([^<]+)</a>')
SALES_NAV = ["Home", "Customers", "Pipeline", "Opportunities", "Orders", "Products", "Tasks"]


def _nav(response) -> tuple[list[str], list[str]]:
    """The labels of the top navigation, and the one marked current."""
    html = page_text(response)
    menu = html[html.index('id="main-nav"') : html.index('id="language-switch"')]
    links = NAV_LINK.findall(menu)
    return [label for _active, _url, label in links], [label for active, _url, label in links if active]


@pytest.mark.parametrize(
    ("url_name", "args", "current"),
    [
        ("home", None, "Home"),
        ("customers:customer-list", None, "Customers"),
        ("customers:customer-detail", "customer", "Customers"),
        ("sales:pipeline", None, "Pipeline"),
        ("sales:opportunity-detail", "opportunity", "Opportunities"),
        ("sales:order-list", None, "Orders"),
        ("sales:product-list", None, "Products"),
        ("sales:task-list", None, "Tasks"),
        ("sales:task-detail", "task", "Tasks"),
        ("accounts:profile", None, None),
        ("records:recycle-bin", None, None),
    ],
)
def test_a_rep_reaches_every_part_from_every_page(client, rep, customer, url_name, args, current):
    records = {
        "customer": customer,
        "opportunity": OpportunityFactory(customer=customer),
        "task": TaskFactory(customer=customer),
    }
    client.force_login(rep)

    response = client.get(reverse(url_name, args=[records[args].pk] if args else None))

    labels, active = _nav(response)
    assert labels == SALES_NAV
    assert active == ([current] if current else [])
    assert 'href="/accounts/notifications/"' in page_text(response)  # the bell


def test_an_administrator_also_reaches_the_administration(client, administrator):
    client.force_login(administrator)

    labels, _active = _nav(client.get(reverse("home")))

    assert labels == [*SALES_NAV, "Analytics", "Administration"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [(SUPPORT_AGENT, ["Home", "Customers"]), (MARKETER, ["Home", "Customers", "Analytics"]), (None, ["Home"])],
)
def test_people_without_sales_work_see_only_what_they_may_open(client, role, expected):
    client.force_login(UserFactory(username="someone.else", role=role))

    labels, active = _nav(client.get(reverse("home")))

    assert labels == expected and active == ["Home"]


def test_the_navigation_collapses_behind_a_button_on_small_screens(client, rep):
    client.force_login(rep)

    html = page_text(client.get(reverse("home")))

    assert 'class="navbar navbar-expand-xl' in html and 'data-bs-target="#main-nav"' in html
