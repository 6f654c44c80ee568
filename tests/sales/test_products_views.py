"""The product catalogue: every sales user reads it; managers and administrators change it, with the price history
kept and stale edits refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sales.models import Product
from sales.services.products import product_update
from tests.factories.sales import ProductFactory

pytestmark = pytest.mark.django_db
LIST = reverse("sales:product-list")
CREATE = reverse("sales:product-create")


def _data(product=None, **changes):
    data = {
        "sku": "HX-100",
        "name": "Hex bolts",
        "category": "Hardware",
        "unit_price": "12.50",
        "currency": "EUR",
        "stock_on_hand": "40",
        "active": "on",
    }
    if product is not None:
        data.update(
            sku=product.sku,
            name=product.name,
            category=product.category,
            unit_price=str(product.unit_price),
            currency=product.currency,
            stock_on_hand=str(product.stock_on_hand),
            version=product.version,
        )
    data.update(changes)
    return data


def test_rep_reads_the_list_with_search_and_filters(client, rep):
    ProductFactory(sku="HX-100", name="Hex bolts", category="Hardware")
    ProductFactory(sku="PN-7", name="Pallet net", category="Packaging", active=False)
    client.force_login(rep)

    body = client.get(LIST).content.decode()
    assert "Hex bolts" in body and "Pallet net" in body and "New product" not in body

    assert "Pallet net" not in client.get(LIST, {"q": "hx"}).content.decode()
    assert "Hex bolts" not in client.get(LIST, {"category": "Packaging"}).content.decode()
    inactive = client.get(LIST, {"active": "no"}).content.decode()
    assert "Pallet net" in inactive and "Hex bolts" not in inactive


def test_product_page_shows_the_price_history(client, rep, manager):
    product = ProductFactory(name="Hex bolts", unit_price=Decimal("10.00"))
    product_update(product=product, by=manager, unit_price=Decimal("12.50"))
    product_update(product=Product.objects.get(pk=product.pk), by=manager, stock_on_hand=99)
    client.force_login(rep)

    response = client.get(product.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "12.50 EUR" in body and "10.00" in body and "Mona Manager" in body
    assert len(response.context["prices"]) == 2  # the stock change is not a price change


def test_rep_cannot_create_or_edit_products(client, rep):
    product = ProductFactory()
    client.force_login(rep)

    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _data()).status_code == 403
    assert client.post(reverse("sales:product-update", args=[product.pk]), _data(product, name="x")).status_code == 403
    assert Product.objects.count() == 1 and Product.objects.get().name != "x"


def test_manager_creates_a_product(client, manager):
    client.force_login(manager)

    response = client.post(CREATE, _data())

    product = Product.objects.get()
    assert response.status_code == 302 and response.url == product.get_absolute_url()
    assert product.sku == "HX-100" and product.unit_price == Decimal("12.50")


def test_duplicate_sku_and_negative_price_are_refused_with_messages(client, manager):
    ProductFactory(sku="HX-100")
    client.force_login(manager)

    response = client.post(CREATE, _data(unit_price="-1"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Product with this SKU already exists." in body
    assert "Ensure this value is greater than or equal to 0." in body
    assert Product.objects.count() == 1


def test_manager_changes_the_price(client, manager):
    product = ProductFactory(unit_price=Decimal("10.00"))
    client.force_login(manager)

    response = client.post(reverse("sales:product-update", args=[product.pk]), _data(product, unit_price="11.00"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.unit_price == Decimal("11.00") and product.version == 2


def test_stale_product_edit_shows_the_conflict_and_changes_nothing(client, manager):
    product = ProductFactory(unit_price=Decimal("10.00"))
    stale = _data(product, unit_price="11.00")
    product_update(product=product, by=manager, unit_price=Decimal("15.00"))
    client.force_login(manager)

    response = client.post(reverse("sales:product-update", args=[product.pk]), stale)

    assert response.status_code == 200 and 'data-testid="version-conflict"' in response.content.decode()
    product.refresh_from_db()
    assert product.unit_price == Decimal("15.00")


def test_missing_product_is_404(client, rep):
    client.force_login(rep)

    assert client.get(reverse("sales:product-detail", args=[999999])).status_code == 404
