"""The first 20,000 lines of the real Online Retail file: what the import creates matches direct counts of the file,
and a second run duplicates nothing."""

import csv
import itertools
import os
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum

from customers.models import Customer
from sales.models import Order, OrderLine, Product
from sales.selectors.orders import line_net

pytestmark = [pytest.mark.real_data, pytest.mark.django_db]

REPO = Path(__file__).resolve().parents[2]
LINES = 20_000


@pytest.fixture(scope="module")
def retail_slice(tmp_path_factory) -> Path:
    source = (
        Path(os.environ.get("CRM_SHARED_DATA") or REPO.parent / "shared" / "data") / "online_retail/online_retail.csv"
    )
    if not source.is_file():
        pytest.skip(f"{source} is not there (set CRM_SHARED_DATA to the datasets folder)")
    path = tmp_path_factory.mktemp("retail") / "slice.csv"
    with source.open(encoding="utf-8") as handle:
        path.write_text("".join(itertools.islice(handle, LINES + 1)), encoding="utf-8")
    return path


def _expected(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    good = [r for r in rows if int(r["Quantity"]) != 0 and Decimal(r["UnitPrice"]) >= 0]
    return {
        "lines": len(good),
        "orders": len({r["InvoiceNo"] for r in good}),
        "returns": len({r["InvoiceNo"] for r in good if r["InvoiceNo"].startswith("C")}),
        "products": len({r["StockCode"].upper() for r in good}),
        "customers": len({r["CustomerID"] or "guest" for r in good}),
        "quantity": sum(int(r["Quantity"]) for r in good),
        "amount": sum(int(r["Quantity"]) * Decimal(r["UnitPrice"]) for r in good),
    }


def test_slice_import_matches_the_file_and_runs_again_without_duplicates(retail_slice, administrator):
    expected = _expected(retail_slice)

    out = StringIO()
    call_command("import_online_retail", str(retail_slice), stdout=out)

    assert OrderLine.objects.count() == expected["lines"]
    assert Order.objects.count() == expected["orders"]
    assert Order.objects.filter(kind="return").count() == expected["returns"]
    assert Product.objects.count() == expected["products"]
    assert Customer.objects.count() == expected["customers"]
    totals = OrderLine.objects.aggregate(quantity=Sum("quantity"))
    assert totals["quantity"] == expected["quantity"]
    amount = OrderLine.objects.aggregate(amount=Sum(line_net()))["amount"]
    assert Decimal(amount).quantize(Decimal("0.01")) == expected["amount"].quantize(Decimal("0.01"))

    again = StringIO()
    call_command("import_online_retail", str(retail_slice), stdout=again)

    assert f"Orders: 0 created, 0 updated, {expected['orders']} skipped." in again.getvalue()
    assert OrderLine.objects.count() == expected["lines"]
    assert Order.objects.count() == expected["orders"]
    assert Customer.objects.count() == expected["customers"]
