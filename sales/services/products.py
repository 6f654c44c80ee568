"""Every write to the product catalogue, from the pages and the admin alike. Products are not owned: the
permission is the rule (managers and administrators), checked here as well as on the pages, so an import or a
task cannot change the catalogue for someone who may not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from records.versioning import version_claim
from sales.models import Product

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _apply(product: Product, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(product, name, value)
    product.sku = (product.sku or "").strip()
    product.currency = (product.currency or "").strip().upper()


@transaction.atomic
def product_create(*, by: AbstractBaseUser, product: Product | None = None, **fields: Any) -> Product:
    """Add a product (from `fields`, or an unsaved instance the admin's form filled in). Raises PermissionDenied
    without sales.add_product and ValidationError for a taken SKU or a negative price."""
    if not by.has_perm("sales.add_product"):
        raise PermissionDenied("Only managers and administrators add products.")
    product = product if product is not None else Product()
    _apply(product, fields)
    product.full_clean()
    product._history_user = by
    product.save()
    return product


@transaction.atomic
def product_update(
    *, product: Product, by: AbstractBaseUser, expected_version: int | None = None, **fields: Any
) -> Product:
    """Change a product; a new price is kept in its history with who set it. StaleVersionError when it changed
    since `expected_version`, PermissionDenied without sales.change_product."""
    if not by.has_perm("sales.change_product"):
        raise PermissionDenied("Only managers and administrators change products.")
    version_claim(product, expected=expected_version)
    _apply(product, fields)
    product.full_clean()
    product._history_user = by
    product.save()
    return product
