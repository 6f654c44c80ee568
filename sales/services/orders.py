"""Every write to orders and returns, from the pages, the admin and the import alike.

Each service checks that the acting user reaches the order and the customer it is given (PermissionDenied, or a
ValidationError on the field for a customer chosen in a form), runs in one transaction, claims the order's next
version (StaleVersionError when the caller's copy is out of date), records who made the change in the history,
and raises ValidationError for broken rules (a transition the status does not allow, too little stock, returning
more than was ordered). Stock moves only on confirmation and its cancellation, under row locks taken in product id
order, so concurrent confirmations never oversell and never deadlock on each other."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import reach
from records.history import one_history_entry
from records.models import Deletion
from records.services import deletion_create
from records.versioning import version_claim
from sales.models import Opportunity, Order, OrderLine, OrderNumberSequence, Product
from sales.selectors.orders import line_net, returnable_quantities

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from customers.models import Customer

ORDER_PREFIX = "SO"
RETURN_PREFIX = "RT"

# Which status each status may move to. A shipped order is not cancelled: its goods come back through a return.
TRANSITIONS = {
    Order.Kind.ORDER: {
        Order.Status.DRAFT: {Order.Status.CONFIRMED, Order.Status.CANCELLED},
        Order.Status.CONFIRMED: {Order.Status.SHIPPED, Order.Status.PAID, Order.Status.CANCELLED},
        Order.Status.SHIPPED: {Order.Status.PAID},
        Order.Status.PAID: set(),
        Order.Status.CANCELLED: set(),
    },
    # A return is confirmed when its goods are back (stock put back) and paid when the credit is settled.
    Order.Kind.RETURN: {
        Order.Status.DRAFT: {Order.Status.CONFIRMED, Order.Status.CANCELLED},
        Order.Status.CONFIRMED: {Order.Status.PAID, Order.Status.CANCELLED},
        Order.Status.PAID: set(),
        Order.Status.SHIPPED: set(),
        Order.Status.CANCELLED: set(),
    },
}
RETURNABLE_STATUSES = (Order.Status.CONFIRMED, Order.Status.SHIPPED, Order.Status.PAID)


@dataclass(frozen=True)
class LineInput:
    """One line as a form, the admin or an import gives it: quantity is positive (a return's is negated)."""

    product: Product
    quantity: int
    discount_percent: Decimal = Decimal("0")


def allowed_transitions(order: Order) -> set[str]:
    return TRANSITIONS[order.kind][order.status]


def number_allocate(*, prefix: str = ORDER_PREFIX) -> str:
    """The next number of a series ("SO-000001"), taken under a lock on the series' row: two transactions asking at
    once get different numbers (the second waits for the first to commit). Call inside a transaction."""
    # The series' rows come from a migration (0004_orders_number_series_rows); one missing is made here, before it
    # is locked (a locking read of a missing row takes a gap lock on InnoDB).
    if not OrderNumberSequence.objects.filter(prefix=prefix).exists():
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(prefix=prefix)
        except IntegrityError:
            pass
    sequence = OrderNumberSequence.objects.select_for_update().get(prefix=prefix)
    OrderNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{prefix}-{sequence.last_value:06d}"


def _check_customer(customer: Customer, *, by: AbstractBaseUser) -> None:
    if not reach.scope(type(customer)._default_manager.filter(pk=customer.pk), user=by, write=True).exists():
        raise ValidationError({"customer": _("Choose one of your customers.")}, code="customer_not_allowed")
    if not reach.can_reach(Order(customer=customer), user=by, write=True):
        raise ValidationError({"customer": _("Choose one of your customers.")}, code="customer_not_allowed")


def _check_opportunity(opportunity: Opportunity | None, *, customer: Customer, by: AbstractBaseUser) -> None:
    if opportunity is None:
        return
    if not reach.scope(Opportunity.objects.filter(pk=opportunity.pk), user=by, write=True).exists():
        raise ValidationError({"opportunity": _("Choose one of your opportunities.")}, code="opportunity_not_allowed")
    if opportunity.customer_id != customer.pk:
        raise ValidationError(
            {"opportunity": _("This opportunity belongs to another customer.")}, code="opportunity_customer"
        )


def _check_lines(lines: Sequence[LineInput]) -> str:
    """Refuse lines an order cannot have; returns the currency they are all priced in."""
    if not lines:
        raise ValidationError(_("Add at least one line."), code="no_lines")
    currencies = {line.product.currency for line in lines}
    if len(currencies) > 1:
        raise ValidationError(
            _("All lines of an order must be priced in one currency, not %(currencies)s.")
            % {"currencies": ", ".join(sorted(currencies))},
            code="currencies",
        )
    errors = []
    for line in lines:
        if not line.product.active:
            errors.append(
                ValidationError(
                    _("%(product)s is no longer sold: choose another product."),
                    code="inactive_product",
                    params={"product": line.product},
                )
            )
        if line.quantity <= 0:
            errors.append(ValidationError(_("Quantities must be at least 1."), code="quantity"))
        if not Decimal("0") <= line.discount_percent <= Decimal("100"):
            errors.append(ValidationError(_("A discount is between 0 and 100 %."), code="discount"))
    if errors:
        raise ValidationError(errors)
    return currencies.pop()


def order_totals_refresh(*, order_ids: Iterable[int]) -> None:
    """Write each order's `total` and `line_count` from its lines, summed by the database. Call inside the
    transaction that wrote the lines, so no page reads one without the other."""
    ids = list(order_ids)
    lines = OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
    for start in range(0, len(ids), 5000):
        Order.all_objects.filter(pk__in=ids[start : start + 5000]).update(
            total=Coalesce(Subquery(lines.annotate(t=Sum(line_net())).values("t")), Value(Decimal("0"))),
            line_count=Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), Value(0)),
        )


def _write_lines(order: Order, lines: Sequence[LineInput], *, previous_prices: dict[int, Decimal]) -> None:
    """Replace the order's lines. A product already on the order keeps the price it was written at; a new one is
    priced from the catalogue now."""
    OrderLine.objects.filter(order=order).delete()
    rows = []
    for line in lines:
        row = OrderLine(
            order=order,
            product=line.product,
            quantity=line.quantity,
            unit_price=previous_prices.get(line.product.pk, line.product.unit_price),
            discount_percent=line.discount_percent,
        )
        row.full_clean(exclude=["order"])
        rows.append(row)
    OrderLine.objects.bulk_create(rows)
    order_totals_refresh(order_ids=[order.pk])
    order.refresh_from_db(fields=["total", "line_count"])


def _apply(order: Order, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(order, name, value)


@transaction.atomic
def order_create(
    *,
    by: AbstractBaseUser,
    lines: Sequence[LineInput],
    order: Order | None = None,
    **fields: Any,
) -> Order:
    """Create a draft order with its lines for a customer `by` reaches (from `fields`, or an unsaved instance the
    admin's form filled in), numbered from the order sequence, each line priced from the catalogue. Atomic."""
    order = order if order is not None else Order()
    _apply(order, fields)
    if not order.customer_id:
        raise ValidationError({"customer": _("Choose a customer.")}, code="required")
    _check_customer(order.customer, by=by)
    _check_opportunity(order.opportunity, customer=order.customer, by=by)
    order.currency = _check_lines(lines)
    order.kind, order.status, order.stock_moved = Order.Kind.ORDER, Order.Status.DRAFT, False
    order.original = None
    if not order.ordered_at:
        order.ordered_at = timezone.now()
    order.number = number_allocate(prefix=ORDER_PREFIX)
    order.full_clean()
    order._history_user = by
    order.save()
    _write_lines(order, lines, previous_prices={})
    return order


@transaction.atomic
def order_update(
    *,
    order: Order,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    lines: Sequence[LineInput] | None = None,
    **fields: Any,
) -> Order:
    """Change a draft order's fields and (when given) replace its lines, as `by` who must reach it and its new
    customer. StaleVersionError when the order moved on since `expected_version`; ValidationError once it is not a
    draft any more."""
    reach.check(order, user=by)
    current = version_claim(order, expected=expected_version)
    if current.status != Order.Status.DRAFT or current.kind != Order.Kind.ORDER:
        raise ValidationError(_("Only draft orders can be edited."), code="not_draft")
    _apply(order, fields)
    # What the form does not edit stays as the locked row has it.
    for name in ("number", "kind", "status", "original_id", "stock_moved"):
        setattr(order, name, getattr(current, name))
    if order.customer_id != current.customer_id:
        _check_customer(order.customer, by=by)
    _check_opportunity(order.opportunity, customer=order.customer, by=by)
    if lines is not None:
        order.currency = _check_lines(lines)
    order.full_clean()
    order._history_user = by
    with one_history_entry(order):
        order.save()
    if lines is not None:
        previous = dict(OrderLine.objects.filter(order=order).values_list("product_id", "unit_price"))
        _write_lines(order, lines, previous_prices=previous)
    return order


def _move_stock(order: Order, *, direction: int) -> None:
    """Take (direction=-1 for an order's positive quantities) or put back stock for every line of `order`, with
    the products' rows locked in id order. Raises ValidationError, changing nothing, when a product has too little
    stock. Call inside the transaction that changes the order's status."""
    needed: dict[int, int] = {}
    for product_id, quantity in OrderLine.objects.filter(order=order).values_list("product_id", "quantity"):
        needed[product_id] = needed.get(product_id, 0) + quantity * direction
    products = {p.pk: p for p in Product.objects.select_for_update().filter(pk__in=needed).order_by("pk")}
    short = [
        _("%(product)s: %(wanted)s wanted, %(available)s in stock.")
        % {"product": products[pk], "wanted": -change, "available": products[pk].stock_on_hand}
        for pk, change in sorted(needed.items())
        if products[pk].stock_on_hand + change < 0
    ]
    if short:
        raise ValidationError(
            _("Not enough stock: %(products)s") % {"products": " ".join(short)}, code="insufficient_stock"
        )
    for pk, change in sorted(needed.items()):
        if change:
            Product.objects.filter(pk=pk).update(stock_on_hand=F("stock_on_hand") + change, updated_at=timezone.now())


def _transition(order: Order, *, to: str, by: AbstractBaseUser, expected_version: int | None) -> tuple[Order, Order]:
    """Lock the order, check the move is allowed, and set its new status (saved by the caller)."""
    reach.check(order, user=by)
    current = version_claim(order, expected=expected_version)
    order.refresh_from_db()
    order.version = current.version + 1
    if to not in TRANSITIONS[current.kind][current.status]:
        raise ValidationError(
            _("A %(status)s %(kind)s cannot become %(to)s.")
            % {
                "status": current.get_status_display().lower(),
                "kind": current.get_kind_display().lower(),
                "to": Order.Status(to).label.lower(),
            },
            code="transition",
        )
    order.status = to
    return order, current


def _save_status(order: Order, by: AbstractBaseUser) -> Order:
    order.full_clean()
    order._history_user = by
    order.save()
    return order


@transaction.atomic
def order_confirm(*, order: Order, by: AbstractBaseUser, expected_version: int | None = None) -> Order:
    """Confirm a draft: an order takes its lines' stock, a return puts its lines' stock back (after checking, under
    a lock on the original order, that no more is returned than was ordered). Atomic: too little stock is a
    ValidationError naming the products and what is available, and nothing changes."""
    order, _current = _transition(order, to=Order.Status.CONFIRMED, by=by, expected_version=expected_version)
    if order.is_return and order.original_id:
        original = Order.all_objects.select_for_update().get(pk=order.original_id)
        _check_return_quantities(original, _return_counts(OrderLine.objects.filter(order=order)), exclude_return=order)
    _move_stock(order, direction=-1)
    order.stock_moved = True
    return _save_status(order, by)


@transaction.atomic
def order_cancel(*, order: Order, by: AbstractBaseUser, expected_version: int | None = None) -> Order:
    """Cancel a draft or confirmed order (or return), undoing its stock move if confirming made one. Atomic."""
    order, _current = _transition(order, to=Order.Status.CANCELLED, by=by, expected_version=expected_version)
    if order.stock_moved:
        _move_stock(order, direction=1)
        order.stock_moved = False
    return _save_status(order, by)


@transaction.atomic
def order_ship(*, order: Order, by: AbstractBaseUser, expected_version: int | None = None) -> Order:
    """Mark a confirmed order shipped."""
    order, _current = _transition(order, to=Order.Status.SHIPPED, by=by, expected_version=expected_version)
    return _save_status(order, by)


@transaction.atomic
def order_mark_paid(*, order: Order, by: AbstractBaseUser, expected_version: int | None = None) -> Order:
    """Mark a confirmed or shipped order (or a confirmed return: its credit settled) paid."""
    order, _current = _transition(order, to=Order.Status.PAID, by=by, expected_version=expected_version)
    return _save_status(order, by)


def _return_counts(lines: Iterable[OrderLine]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for line in lines:
        counts[line.product_id] = counts.get(line.product_id, 0) - line.quantity
    return counts


def _check_return_quantities(original: Order, wanted: dict[int, int], *, exclude_return: Order | None = None) -> None:
    left = returnable_quantities(order=original, exclude_return=exclude_return)
    names = dict(Product.objects.filter(pk__in=wanted).values_list("pk", "name"))
    errors = []
    for product_id, quantity in sorted(wanted.items()):
        if quantity > left.get(product_id, 0):
            errors.append(
                ValidationError(
                    _("%(product)s: %(wanted)s to return, but only %(left)s can still be returned."),
                    code="return_too_many",
                    params={
                        "product": names.get(product_id, product_id),
                        "wanted": quantity,
                        "left": left.get(product_id, 0),
                    },
                )
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def return_create(*, order: Order, by: AbstractBaseUser, lines: Sequence[LineInput], notes: str = "") -> Order:
    """A draft return (credit note) of a confirmed, shipped or paid order: negative quantities at the prices and
    discounts of the original lines, never more per product than was ordered minus what is already being returned
    (checked under a lock on the original order). Atomic; ValidationError otherwise."""
    reach.check(order, user=by)
    original = Order.all_objects.select_for_update().get(pk=order.pk)
    if original.kind != Order.Kind.ORDER or original.status not in RETURNABLE_STATUSES or original.deletion_id:
        raise ValidationError(_("Only confirmed, shipped or paid orders can be returned."), code="not_returnable")
    wanted: dict[int, int] = {}
    for line in lines:
        if line.quantity < 0:
            raise ValidationError(_("Quantities must be at least 1."), code="quantity")
        if line.quantity:
            wanted[line.product.pk] = wanted.get(line.product.pk, 0) + line.quantity
    if not wanted:
        raise ValidationError(_("Enter how many units of at least one product come back."), code="no_lines")
    _check_return_quantities(original, wanted)
    # The price and discount of the original lines (the first line of each product).
    terms: dict[int, tuple[Decimal, Decimal]] = {}
    for product_id, price, discount in (
        OrderLine.objects.filter(order=original, quantity__gt=0)
        .order_by("id")
        .values_list("product_id", "unit_price", "discount_percent")
    ):
        terms.setdefault(product_id, (price, discount))
    credit = Order(
        kind=Order.Kind.RETURN,
        status=Order.Status.DRAFT,
        customer=original.customer,
        opportunity=original.opportunity,
        original=original,
        ordered_at=timezone.now(),
        ship_to_country=original.ship_to_country,
        currency=original.currency,
        notes=notes,
        number=number_allocate(prefix=RETURN_PREFIX),
    )
    credit.full_clean()
    credit._history_user = by
    credit.save()
    OrderLine.objects.bulk_create(
        OrderLine(
            order=credit,
            product_id=product_id,
            quantity=-quantity,
            unit_price=terms[product_id][0],
            discount_percent=terms[product_id][1],
        )
        for product_id, quantity in sorted(wanted.items())
    )
    order_totals_refresh(order_ids=[credit.pk])
    credit.refresh_from_db(fields=["total", "line_count"])
    return credit


def order_delete(*, order: Order, by: AbstractBaseUser | None) -> Deletion:
    """Move a draft order (with its lines, which stay with it) to the recycle bin. ValidationError for any other
    status: confirmed orders are cancelled, not deleted."""
    if by is not None:
        reach.check(order, user=by)
    with transaction.atomic():
        current = Order.all_objects.select_for_update().get(pk=order.pk)
        if current.status != Order.Status.DRAFT:
            raise ValidationError(_("Only draft orders can be deleted; cancel this one instead."), code="not_draft")
        return deletion_create(root=current, by=by)
