"""The demo's product catalogue: office equipment in categories, each product with a SKU, a price and stock, and the
groups of products that are bought together (the docking station and bag made for a laptop, the toner and paper
for a printer), which the demo orders plant in their baskets so basket rules have something real to find."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from sales.models import Product

SKU_PREFIX = "DEMO-"
# code, category, what it is, price range (the catalogue's currency is the site's default)
CATEGORIES = (
    ("LAP", "Laptops", "Laptop", (650, 2400)),
    ("DCK", "Docking stations", "Docking station", (120, 320)),
    ("BAG", "Bags and cases", "Laptop bag", (30, 120)),
    ("MON", "Monitors", "Monitor", (140, 900)),
    ("KBD", "Keyboards and mice", "Keyboard and mouse set", (25, 140)),
    ("PRN", "Printers", "Printer", (180, 1500)),
    ("TON", "Toner and ink", "Toner cartridge", (40, 180)),
    ("PAP", "Paper", "Copy paper, box of 5 reams", (25, 60)),
    ("NET", "Networking", "Network switch", (120, 2200)),
    ("RTR", "Networking", "Wireless access point", (90, 600)),
    ("CBL", "Cables and adapters", "Patch cable set", (8, 40)),
    ("DSK", "Furniture", "Height-adjustable desk", (250, 900)),
    ("CHR", "Furniture", "Office chair", (150, 700)),
    ("PHN", "Phones", "Desk phone", (90, 400)),
    ("HDS", "Headsets", "Headset", (40, 260)),
    ("STO", "Storage", "Network storage", (300, 2500)),
    ("SUP", "Services", "Support plan, 1 year", (90, 900)),
    ("LIC", "Software", "Office suite licence, 1 year", (60, 300)),
)
# What is bought together: the products of the same model number in these categories (the docking station and the
# bag made for laptop 7 are bought with laptop 7), so each template gives one group per model.
BUNDLES = (
    ("LAP", "DCK", "BAG"),
    ("LAP", "MON", "KBD"),
    ("LAP", "LIC"),
    ("PRN", "TON", "PAP"),
    ("NET", "RTR", "CBL"),
    ("DSK", "CHR"),
    ("PHN", "HDS"),
    ("STO", "SUP"),
)
BRANDS = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Wingtip")
# Everyday items are ordered far more often than furniture: the weight of each category among the odd items of an
# order.
POPULARITY = {"PAP": 8, "TON": 6, "CBL": 6, "KBD": 4, "HDS": 3, "LIC": 3, "BAG": 2, "MON": 2, "SUP": 2}


@dataclass(frozen=True)
class CatalogueItem:
    sku: str
    name: str
    category: str
    code: str
    model: int
    price: Decimal


def catalogue(count: int) -> list[CatalogueItem]:
    """The first `count` products of the demo catalogue, always the same ones (a pure function): products cycle
    through the categories, so every category has about as many models."""
    rng = random.Random(7)  # the catalogue is the same whatever the seed of the rest
    items = []
    for index in range(count):
        code, category, what, (low, high) = CATEGORIES[index % len(CATEGORIES)]
        model = index // len(CATEGORIES) + 1
        brand = BRANDS[(index * 5 + model) % len(BRANDS)]
        price = Decimal(rng.uniform(low, high)).quantize(Decimal("1")) - Decimal("0.01")
        items.append(
            CatalogueItem(
                sku=f"{SKU_PREFIX}{code}-{model:04d}",
                name=f"{brand} {what} {chr(ord('A') + model % 26)}{model * 10 + index % 7}",
                category=category,
                code=code,
                model=model,
                price=price,
            )
        )
    return items


def catalogue_items(skus: set[str]) -> list[CatalogueItem]:
    """The items of the catalogue whose SKUs are among `skus` (the products present, gaps and all)."""
    models = [int(sku.rsplit("-", 1)[1]) for sku in skus if sku.startswith(SKU_PREFIX) and sku[-4:].isdigit()]
    return [item for item in catalogue(max(models, default=0) * len(CATEGORIES)) if item.sku in skus]


def affinity_groups(items: list[CatalogueItem]) -> list[tuple[str, ...]]:
    """The SKUs bought together, per BUNDLES: for each template, the products of each model number present in all of
    its categories."""
    by_code_model = {(item.code, item.model): item.sku for item in items}
    models = sorted({item.model for item in items})
    groups = []
    for template in BUNDLES:
        for model in models:
            skus = [by_code_model.get((code, model)) for code in template]
            if all(skus):
                groups.append(tuple(skus))
    return groups


@transaction.atomic
def products_seed(*, count: int, seed: int = 2026) -> int:
    """Make sure the first `count` products of the catalogue exist (those already there, by SKU, are left as they
    are), with some stock. Returns how many it created."""
    rng = random.Random(seed)
    items = catalogue(count)
    present = set(Product.objects.filter(sku__startswith=SKU_PREFIX).values_list("sku", flat=True))
    new = [
        Product(
            sku=item.sku,
            name=item.name,
            category=item.category,
            unit_price=item.price,
            stock_on_hand=rng.choice((0, 5, 20, 50, 120, 400)),
            active=rng.random() > 0.03,
        )
        for item in items
        if item.sku not in present
    ]
    Product.objects.bulk_create(new, batch_size=1000)
    return len(new)
