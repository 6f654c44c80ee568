"""A search page is first read by walking the list's sort index and checking each row (MariaDB's LIMIT … ROWS
EXAMINED), and through the full-text index when that budget runs out: the same rows either way. A search counts
at most CUSTOMER_SEARCH_COUNT_CAP matches.

Committed: MariaDB's full-text index sees only committed rows (tests/customers/_support.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from customers.selectors import customer_search
from tests.customers._support import committed_db, listed_names, visible_text
from tests.factories.customers import ContactFactory, CustomerFactory

pytestmark = committed_db

LIST = reverse("customers:customer-list")


@pytest.fixture(autouse=True)
def _on_mariadb(transactional_db):
    if connection.vendor != "mysql" or not connection.mysql_is_mariadb:
        pytest.skip("LIMIT … ROWS EXAMINED is MariaDB's; elsewhere every search reads its index")


def _page(client, user, **query):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, query)
    return response, [q["sql"] for q in queries]


def test_a_common_word_is_read_by_walking_the_list(client, rep):
    for n in range(30):
        CustomerFactory(owner=rep, name=f"Smith Supplies {n:02d}")
    CustomerFactory(owner=rep, name="Birch Bakery")

    response, queries = _page(client, rep, q="smith")

    assert listed_names(response) == [f"Smith Supplies {n:02d}" for n in range(25)]
    assert "30 customers" in visible_text(response)
    page_reads = [q for q in queries if "ROWS EXAMINED" in q]
    assert len(page_reads) == 1 and "MATCH" not in page_reads[0]


def test_when_the_budget_runs_out_the_index_reads_the_page(client, rep, settings):
    settings.CRM_LIST_SCAN_ROWS = 60  # about thirty customers: fewer than stand before the matches
    for n in range(80):
        CustomerFactory(owner=rep, name=f"Alder Works {n:02d}")
    for n in range(3):
        CustomerFactory(owner=rep, name=f"Zeta Smith {n}")

    response, queries = _page(client, rep, q="smith")

    assert listed_names(response) == ["Zeta Smith 0", "Zeta Smith 1", "Zeta Smith 2"]
    assert any("ROWS EXAMINED" in q for q in queries)
    assert any("MATCH" in q and "ORDER BY" in q for q in queries)  # the page, read through the index


@pytest.mark.parametrize(
    "typed", ["smith", "lefevre", "LEFÈVRE", "电子", "王", "pat@acme", "acme-mail", "5678", "0612345678", "nguyen patr"]
)
def test_walking_and_the_index_find_the_same_rows(rep, outsider, typed):
    lefevre = CustomerFactory(owner=rep, name="Lefèvre Frères", email="contact@acme-mail.test")
    ContactFactory(customer=lefevre, name="Patricia Nguyen", email="pat@acme.test", phone="+33 6 1234 5678")
    CustomerFactory(owner=rep, name="联合联合电子有限公司")
    CustomerFactory(owner=rep, name="Smithson Tools", phone="+44 20 7946 5678")
    CustomerFactory(owner=rep, name="王氏贸易")
    CustomerFactory(owner=outsider, name="Smith & Wang")
    for n in range(5):
        CustomerFactory(owner=rep, name=f"Birch {n}")
    mine = Customer.objects.filter(owner=rep).order_by("name", "id")

    indexed = list(customer_search(mine, typed).values_list("pk", flat=True))
    walked = list(customer_search(mine, typed, scan=True).values_list("pk", flat=True))

    assert indexed, typed
    assert walked == indexed


def test_a_search_counts_up_to_its_own_cap(client, rep, settings):
    settings.CUSTOMER_SEARCH_COUNT_CAP = 5
    for n in range(7):
        CustomerFactory(owner=rep, name=f"Smith Supplies {n}")

    searched, _queries = _page(client, rep, q="smith")
    listed, _queries = _page(client, rep)

    assert "More than 5 customers" in visible_text(searched)
    assert listed_names(searched) == [f"Smith Supplies {n}" for n in range(7)]
    assert "7 customers" in visible_text(listed)  # the list without a search counts to its usual cap


def test_a_chinese_search_goes_to_the_index_at_once(client, rep):
    CustomerFactory(owner=rep, name="联合联合电子有限公司")

    response, queries = _page(client, rep, q="电子")

    assert listed_names(response) == ["联合联合电子有限公司"]
    assert not any("ROWS EXAMINED" in q for q in queries)
