"""Loading the UCI Online Retail file (one line per invoice line) as customers, products and paid orders.

Keys: CustomerID (through ImportedCustomer), StockCode (the product's SKU) and the invoice number (the order's
number), so a second run of the same file creates nothing twice: known customers and products are updated when
the file says otherwise, known invoices are skipped. Everything is written with bulk inserts in batches from
in-memory maps of the keys already there, in one transaction. Lines that cannot be read (a quantity, price or date
that is not one) are reported with their line number and reason, never fatal."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_countries import countries

from customers.models import Customer
from customers.search import customer_search_document
from sales.models import ImportedCustomer, Order, OrderLine, Product
from sales.services.imports import BATCH, ImportReport, batches, created_pks

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SOURCE = "online_retail"
GUEST_KEY = "guest"
GUEST_NAME = "Guest customers (online shop)"
CURRENCY = "GBP"  # the shop's invoices are in pounds sterling
COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
# Country names of the file that are not the standard English names.
COUNTRY_ALIASES = {"EIRE": "IE", "RSA": "ZA", "USA": "US", "Czech Republic": "CZ", "Channel Islands": "JE"}


KINDS = ("customers", "products", "orders", "lines")


@dataclass
class _Line:
    stock_code: str
    quantity: int
    price: Decimal


@dataclass
class _Invoice:
    number: str
    ordered_at: datetime
    customer_key: str
    country: str
    lines: list[_Line] = field(default_factory=list)


def country_code(name: str, cache: dict[str, str]) -> str:
    """The ISO code of a country name of the file, or "" for none ("Unspecified", "European Community")."""
    if name not in cache:
        cache[name] = COUNTRY_ALIASES.get(name) or countries.by_name(name) or ""
    return cache[name]


def _read(path: Path, report: ImportReport) -> tuple[dict[str, _Invoice], dict[str, tuple[str, str, Decimal]], dict]:
    """Invoices in file order, the latest name and price of each stock code, and each customer's latest country."""
    zone = timezone.get_default_timezone()
    invoices: dict[str, _Invoice] = {}
    products: dict[str, tuple[str, str, Decimal]] = {}
    customer_country: dict[str, str] = {}
    dates: dict[str, datetime] = {}
    prices: dict[str, Decimal] = {}
    country_cache: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != COLUMNS:
            raise ValueError(f"Not an Online Retail file: the header is {header}, expected {COLUMNS}.")
        for number, row in enumerate(reader, start=2):
            report.rows += 1
            if len(row) != len(COLUMNS):
                report.bad(number, f"{len(row)} columns instead of {len(COLUMNS)}")
                continue
            invoice, stock_code, description, quantity, when, price, customer_id, country = row
            invoice, stock_code = invoice.strip(), stock_code.strip()
            if not invoice or not stock_code:
                report.bad(number, "no invoice number or stock code")
                continue
            if len(invoice) > 32 or len(stock_code) > 64:
                report.bad(number, "invoice number or stock code too long")
                continue
            try:
                quantity_value = int(quantity)
            except ValueError:
                report.bad(number, f"quantity {quantity!r} is not a whole number")
                continue
            if quantity_value == 0 or abs(quantity_value) > 2_000_000_000:
                report.bad(number, f"quantity {quantity!r} is out of range")
                continue
            price_value = prices.get(price)
            if price_value is None:
                try:
                    price_value = Decimal(price)
                except InvalidOperation:
                    report.bad(number, f"unit price {price!r} is not a number")
                    continue
                if not price_value.is_finite() or price_value < 0 or price_value >= Decimal("1e10"):
                    report.bad(number, f"unit price {price!r} is negative or out of range")
                    continue
                price_value = price_value.quantize(Decimal("0.01"))
                prices[price] = price_value
            ordered_at = dates.get(when)
            if ordered_at is None:
                try:
                    ordered_at = timezone.make_aware(datetime.fromisoformat(when.strip()), zone)
                except ValueError:
                    report.bad(number, f"invoice date {when!r} is not a date")
                    continue
                dates[when] = ordered_at
            customer_key = customer_id.strip().removesuffix(".0") or GUEST_KEY
            if customer_key != GUEST_KEY and not customer_key.isdigit():
                report.bad(number, f"customer id {customer_id!r} is not a number")
                continue
            code = country_code(country.strip(), country_cache)
            entry = invoices.get(invoice)
            if entry is None:
                entry = invoices[invoice] = _Invoice(invoice, ordered_at, customer_key, code)
            # MySQL compares SKUs without regard to case, and the file spells some codes both ways ("15056BL",
            # "15056bl"): one product, keyed by the code in capitals, with the SKU as first spelt.
            key = stock_code.upper()
            entry.lines.append(_Line(key, quantity_value, price_value))
            name = " ".join(description.split())[:255]
            previous = products.get(key)
            # The latest line names the product and prices it; a line without a description or at price 0 (a
            # free sample, a write-off) keeps what an earlier line said.
            products[key] = (
                previous[0] if previous else stock_code,
                name or (previous[1] if previous else stock_code),
                price_value if price_value > 0 or previous is None else previous[2],
            )
            if customer_key != GUEST_KEY:
                customer_country[customer_key] = code
    return invoices, products, customer_country


def _products(products: dict[str, tuple[str, str, Decimal]], report: ImportReport) -> dict[str, int]:
    """Create and update the file's products; returns product ids by the code in capitals."""
    # The whole catalogue (thousands of rows), matched by the code in capitals.
    existing = {p.sku.upper(): p for p in Product.objects.only("pk", "sku", "name", "unit_price")}
    new, changed = [], []
    for key, (sku, name, price) in products.items():
        product = existing.get(key)
        if product is None:
            new.append(Product(sku=sku, name=name, unit_price=price, currency=CURRENCY, stock_on_hand=0))
        elif product.name != name or product.unit_price != price:
            product.name, product.unit_price = name, price
            changed.append(product)
        else:
            report["products"].skipped += 1
    for batch in batches(new):
        Product.objects.bulk_create(batch)
    for batch in batches(changed):
        Product.objects.bulk_update(batch, ["name", "unit_price"])
    report["products"].created, report["products"].updated = len(new), len(changed)
    return {sku.upper(): pk for sku, pk in Product.objects.values_list("sku", "pk")}


def _customers(
    keys: set[str], countries_by_key: dict[str, str], owner: AbstractBaseUser, report: ImportReport
) -> dict[str, int]:
    known = dict(
        ImportedCustomer.objects.filter(source=SOURCE, external_id__in=list(keys)).values_list(
            "external_id", "customer_id"
        )
    )
    current = {
        c.pk: c for c in Customer.all_objects.filter(pk__in=list(known.values())).only("pk", "country", "deletion")
    }
    changed = []
    for key, pk in known.items():
        customer = current.get(pk)
        country = countries_by_key.get(key, "")
        if customer is not None and country and customer.country != country:
            customer.country = country
            changed.append(customer)
        else:
            report["customers"].skipped += 1
    for batch in batches(changed):
        Customer.all_objects.bulk_update(batch, ["country"])
    new_keys = sorted(keys - set(known), key=lambda k: (k == GUEST_KEY, k))
    since = Customer.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    new = []
    for key in new_keys:
        name = GUEST_NAME if key == GUEST_KEY else f"Customer {key}"
        new.append(
            Customer(
                kind=Customer.Kind.COMPANY,
                name=name,
                country=countries_by_key.get(key, ""),
                source=Customer.Source.IMPORT,
                lifecycle_stage=Customer.Stage.CUSTOMER,
                owner=owner,
                # What search reads (customers/search.py), as customer_create would write it.
                search_text=customer_search_document(name=name, email="", phone_digits=""),
            )
        )
    for batch in batches(new):
        Customer.objects.bulk_create(batch)
    if new and new[0].pk is None:
        # Databases that do not return the new ids: read them back in insertion order (names are unique here).
        rows = list(Customer.all_objects.filter(pk__gt=since, owner=owner).order_by("pk").values_list("pk", "name"))
        by_name = {name: pk for pk, name in rows}
        for customer in new:
            customer.pk = by_name[customer.name]
    ImportedCustomer.objects.bulk_create(
        [
            ImportedCustomer(source=SOURCE, external_id=key, customer_id=c.pk)
            for key, c in zip(new_keys, new, strict=True)
        ],
        batch_size=BATCH,
    )
    report["customers"].created, report["customers"].updated = len(new), len(changed)
    return {**known, **{key: c.pk for key, c in zip(new_keys, new, strict=True)}}


def online_retail_import(*, path: Path, owner: AbstractBaseUser) -> ImportReport:
    """Import the file at `path`; imported customers belong to `owner`. Atomic and idempotent (see the module)."""
    report = ImportReport(kinds=KINDS)
    invoices, products, countries_by_key = _read(path, report)
    existing_numbers = (
        set(Order.all_objects.filter(number__in=list(invoices)).values_list("number", flat=True))
        if len(invoices) < 50_000
        else set(Order.all_objects.values_list("number", flat=True))
    )
    todo = [invoice for number, invoice in invoices.items() if number not in existing_numbers]
    report["orders"].skipped = len(invoices) - len(todo)
    report["lines"].skipped = sum(len(invoices[n].lines) for n in existing_numbers if n in invoices)
    with transaction.atomic():
        product_pks = _products(products, report)
        customer_pks = _customers(
            {invoice.customer_key for invoice in invoices.values()}, countries_by_key, owner, report
        )
        since = Order.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        orders = [
            Order(
                total=sum((line.quantity * line.price for line in invoice.lines), Decimal("0")),
                line_count=len(invoice.lines),
                number=invoice.number,
                kind=Order.Kind.RETURN if invoice.number.startswith("C") else Order.Kind.ORDER,
                status=Order.Status.PAID,
                customer_id=customer_pks[invoice.customer_key],
                ordered_at=invoice.ordered_at,
                ship_to_country=invoice.country,
                currency=CURRENCY,
            )
            for invoice in todo
        ]
        for batch in batches(orders):
            Order.objects.bulk_create(batch)
        created_pks(Order, orders, key="number", since_pk=since)
        lines = [
            OrderLine(
                order_id=order.pk,
                product_id=product_pks[line.stock_code],
                quantity=line.quantity,
                unit_price=line.price,
            )
            for order, invoice in zip(orders, todo, strict=True)
            for line in invoice.lines
        ]
        for batch in batches(lines):
            OrderLine.objects.bulk_create(batch)
        report["orders"].created, report["lines"].created = len(orders), len(lines)
    return report
