"""The back office fits a 1,400 px window and names itself, and django-axes, in the reader's language."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.customers._support import page_text
from tests.factories.customers import ContactFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
LOCALE = Path(settings.BASE_DIR) / "locale"


def _admin_css() -> str:
    path = finders.find("css/admin.css")
    assert path, "static/css/admin.css exists"
    return Path(path).read_text("utf-8")


def _rule(css: str, selector: str) -> str:
    """The declarations of the rule whose selector list names `selector`."""
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if selector in [s.strip() for s in selectors.split(",")]:
            return body
    return ""


def _chinese(msgid: str) -> str:
    """The Chinese for `msgid` in the catalogue, or in a pending file waiting to be merged into it."""
    for catalogue in [LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", *sorted(LOCALE.glob("pending-*.po"))]:
        match = re.search(rf'^msgid "{re.escape(msgid)}"\nmsgstr "(.+)"$', catalogue.read_text("utf-8"), re.M)
        if match:
            return match.group(1)
    return ""


def test_admin_pages_load_the_sites_admin_stylesheet(client, administrator):
    client.force_login(administrator)

    html = page_text(client.get(CHANGELIST))

    assert f'<link rel="stylesheet" href="{static("css/admin.css")}">' in html


def test_phone_numbers_and_emails_stay_on_one_line_in_change_lists():
    css = _admin_css()

    for column in ("#changelist td.field-phone", "#changelist td.field-email"):
        assert re.search(r"white-space:\s*nowrap", _rule(css, column)), column


def test_inline_inputs_take_their_columns_width_instead_of_20em_each():
    assert re.search(r"width:\s*100%", _rule(_admin_css(), ".inline-group .tabular td input.vTextField"))


def test_customer_change_list_has_eight_columns_with_city_and_country_together(client, administrator, customer):
    client.force_login(administrator)

    html = page_text(client.get(CHANGELIST))

    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)
    assert headers == ["name", "email", "phone", "location", "tier", "lifecycle_stage", "owner", "updated_at"]
    assert "London, United Kingdom" in html


def test_admin_leaves_the_navigation_sidebar_out_for_wider_tables(client, administrator, customer):
    ContactFactory(customer=customer)
    client.force_login(administrator)

    for url in (CHANGELIST, reverse("admin:customers_customer_change", args=[customer.pk])):
        assert 'id="nav-sidebar"' not in page_text(client.get(url)), url


def test_admin_header_and_title_name_the_crm(client, administrator):
    client.force_login(administrator)

    html = page_text(client.get(reverse("admin:index")))

    assert '<div id="site-name"><a href="/admin/">CRM administration</a></div>' in html
    assert "<title>Administration | CRM administration</title>" in html
    assert "Django administration" not in html


def test_axes_section_has_a_name_people_understand(client, administrator):
    client.force_login(administrator)

    html = page_text(client.get(reverse("admin:index")))

    assert apps.get_app_config("axes").verbose_name == "Sign-in attempts"
    assert "Sign-in attempts" in html and ">Axes<" not in html


@pytest.mark.parametrize(
    "msgid",
    [
        "CRM administration",
        "Administration",
        "Location",
        "Sign-in attempts",
        "access attempt",
        "access attempts",
        "access failure",
        "access failures",
        "access log",
        "access logs",
        "Attempt Time",
        "IP Address",
        "User Agent",
        "Username",
    ],
)
def test_admin_names_have_chinese(msgid):
    assert _chinese(msgid), f"no Chinese for {msgid!r}"
