"""manage.py import_online_retail on a small file: what it creates, the bad lines it reports, and that a second run
creates nothing twice."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers.models import Customer
from sales.models import Order, OrderLine, Product
from sales.selectors.orders import order_total

pytestmark = pytest.mark.django_db

CSV = """InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN ,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
536366,22633,"HAND WARMER, UNION JACK",6,2010-12-01 08:28:00,1.85,,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,two,2010-12-01 08:34:00,1.69,13047.0,EIRE
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,EIRE
536368,22960,JAM MAKING SET WITH JARS,6,yesterday,4.25,13047.0,EIRE
536369,22960,JAM MAKING SET WITH JARS,6,2010-12-01 08:35:00,-4.25,13047.0,EIRE
536370,22960,JAM MAKING SET WITH JARS,0,2010-12-01 08:35:00,4.25,13047.0,EIRE
C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-2,2010-12-02 09:41:00,2.95,17850.0,United Kingdom
536380,85123a,WHITE HANGING HEART T-LIGHT HOLDER,1,2010-12-03 10:00:00,2.95,17850.0,France
"""


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "retail.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _run(path, *args) -> str:
    out = StringIO()
    call_command("import_online_retail", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_creates_customers_products_and_paid_orders(csv_file, administrator):
    output = _run(csv_file)

    assert "Customers: 3 created, 0 updated, 0 skipped." in output
    assert "Products: 4 created, 0 updated, 0 skipped." in output
    assert "Orders: 5 created, 0 updated, 0 skipped." in output
    assert "Lines: 6 created, 0 updated, 0 skipped." in output
    first = Order.objects.get(number="536365")
    assert (first.status, first.kind, first.ship_to_country.code) == ("paid", "order", "GB")
    assert first.ordered_at == timezone.make_aware(timezone.datetime(2010, 12, 1, 8, 26))
    assert order_total(order=first) == Decimal("35.64")
    assert first.customer.name == "Customer 17850" and first.customer.owner == administrator
    assert first.customer.search_text == "customer 17850"  # found by search like any customer
    assert first.customer.country.code == "FR"  # the latest invoice's country
    credit = Order.objects.get(number="C536379")
    assert credit.kind == "return" and credit.original is None
    assert OrderLine.objects.get(order=credit).quantity == -2
    assert Order.objects.get(number="536366").customer.name == "Guest customers (online shop)"
    assert Order.objects.get(number="536367").ship_to_country.code == "IE"
    # one product for both spellings of the code, named and priced by its latest line
    lantern = Product.objects.get(sku="71053")
    assert lantern.name == "WHITE METAL LANTERN"
    heart = Product.objects.get(sku__iexact="85123A")
    assert heart.unit_price == Decimal("2.95")


def test_bad_lines_are_reported_with_their_line_number_and_reason(csv_file, administrator):
    output = _run(csv_file)

    assert "line 5: skipped, quantity 'two' is not a whole number" in output
    assert "line 7: skipped, invoice date 'yesterday' is not a date" in output
    assert "line 8: skipped, unit price '-4.25' is negative or out of range" in output
    assert "line 9: skipped, quantity '0' is out of range" in output
    assert "Bad lines: 4." in output
    assert not Order.objects.filter(number__in=["536368", "536369", "536370"]).exists()


def test_second_run_duplicates_nothing_and_updates_what_changed(csv_file, administrator):
    _run(csv_file)
    csv_file.write_text(CSV.replace("3.39", "3.50"), encoding="utf-8")

    output = _run(csv_file)

    assert "Customers: 0 created, 0 updated, 3 skipped." in output
    assert "Products: 0 created, 1 updated, 3 skipped." in output
    assert "Orders: 0 created, 0 updated, 5 skipped." in output
    assert (Customer.objects.count(), Product.objects.count(), Order.objects.count()) == (3, 4, 5)
    assert OrderLine.objects.count() == 6
    assert Product.objects.get(sku="71053").unit_price == Decimal("3.50")


def test_owner_option_names_who_owns_the_customers(csv_file, rep):
    _run(csv_file, "--owner", rep.username)

    assert set(Customer.objects.values_list("owner", flat=True)) == {rep.pk}


def test_a_file_that_is_not_online_retail_is_refused(tmp_path, administrator):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Not an Online Retail file"):
        _run(path)
    assert not Order.objects.exists()


def test_unknown_owner_is_refused(csv_file):
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        _run(csv_file, "--owner", "nobody")
