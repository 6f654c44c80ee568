"""Every write to quotes, from the pages and the admin alike, and the order a won opportunity's accepted quote
becomes.

Each service checks that the acting user reaches the quote (a quote is reached as its opportunity is), runs in one
transaction, claims the quote's next version (StaleVersionError when the caller's copy is out of date), records who
made the change in the field history, and raises ValidationError for broken rules. The rules:

- a quote is made from an open opportunity, numbered from the "Q" series, and starts as a draft with a copy of the
  opportunity's lines (their unit prices as the opportunity has them: later catalogue changes alter neither);
- only a draft changes (its terms and its lines; a line added to a quote is priced from the catalogue then);
- draft → sent (with at least one line, still valid) → accepted or declined; a sent quote may go back to draft to
  be corrected and sent again; accepted and declined are final;
- accepting a quote declines the opportunity's other sent (or accepted) quotes: the customer chose this offer, so
  an opportunity has at most one accepted quote. Drafts are left alone: they were never offered;
- an expired quote (valid-until date passed) is neither sent nor accepted until its date is moved on in draft;
- an accepted quote is not deleted (an order may come from it); the others go to the recycle bin;
- winning the opportunity turns its accepted quote into a draft order, once (`order_from_accepted_quote`).

Quote transitions lock the opportunity's row first, then the quote's: two quotes of one opportunity accepted at the
same moment are accepted one after the other (the second declines the first), never both, and never deadlock.
Line edits bump the quote's version but write no history entry of their own: the lines are on the quote for all
to see, and only a draft's lines change.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from accounts import reach
from records.models import Deletion
from records.services import deletion_create
from records.versioning import version_claim
from sales.models import Opportunity, Order, OrderLine, Product, Quote, QuoteLine
from sales.services.lines import line_product_check, line_terms_check
from sales.services.orders import ORDER_PREFIX, number_allocate, order_totals_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

QUOTE_PREFIX = "Q"
Status = Quote.Status

TRANSITIONS = {
    Status.DRAFT: {Status.SENT},
    Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.DRAFT},
    Status.ACCEPTED: set(),
    Status.DECLINED: set(),
}


def allowed_transitions(quote: Quote) -> set[str]:
    return TRANSITIONS[quote.status]


def default_valid_until() -> date:
    return timezone.localdate() + timedelta(days=settings.CRM_QUOTE_VALID_DAYS)


def default_tax_rate() -> Decimal:
    return Decimal(str(settings.CRM_DEFAULT_TAX_RATE))


def _lock_opportunity(opportunity_id: int) -> Opportunity:
    return Opportunity.all_objects.select_for_update().select_related("stage").get(pk=opportunity_id)


def _check_open(opportunity: Opportunity) -> None:
    if opportunity.deletion_id is not None:
        raise ValidationError(_("This opportunity is in the recycle bin."), code="recycled")
    if not opportunity.stage.is_open:
        raise ValidationError(
            _("This opportunity is closed (%(stage)s): reopen it to work on its quotes.")
            % {"stage": opportunity.stage.label},
            code="closed",
        )


def _check_valid_until(valid_until: date | None) -> None:
    if valid_until is None:
        raise ValidationError({"valid_until": _("Enter the date until which the quote is valid.")}, code="required")
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("Choose today or a later date.")}, code="past")


@transaction.atomic
def quote_create(
    *,
    opportunity: Opportunity,
    by: AbstractBaseUser,
    valid_until: date | None = None,
    tax_rate_percent: Decimal | None = None,
    notes: str = "",
    quote: Quote | None = None,
) -> Quote:
    """A draft quote of an open opportunity `by` reaches (or the unsaved `quote` the admin's form filled in),
    numbered from the quote series, in the opportunity's currency, with a copy of its lines. Atomic;
    ValidationError for a closed opportunity or a past date, PermissionDenied outside reach."""
    reach.check(opportunity, user=by)
    locked = _lock_opportunity(opportunity.pk)
    _check_open(locked)
    quote = quote if quote is not None else Quote()
    quote.opportunity, quote.status, quote.currency = locked, Status.DRAFT, locked.currency
    quote.sent_at = quote.decided_at = None
    quote.valid_until = valid_until or default_valid_until()
    quote.tax_rate_percent = default_tax_rate() if tax_rate_percent is None else tax_rate_percent
    quote.notes = (notes or "").strip()
    _check_valid_until(quote.valid_until)
    quote.number = number_allocate(prefix=QUOTE_PREFIX)
    quote.full_clean()
    quote._history_user = by
    quote.save()
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            product_id=product_id,
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=discount,
        )
        for product_id, quantity, unit_price, discount in locked.lines.order_by("id").values_list(
            "product_id", "quantity", "unit_price", "discount_percent"
        )
    )
    return quote


def _claim_draft(quote: Quote, *, by: AbstractBaseUser, expected_version: int | None) -> Quote:
    """Lock the quote and claim its next version (set on `quote`); refuse unless it is a draft. Returns the locked
    row as it is."""
    reach.check(quote, user=by)
    current = version_claim(quote, expected=expected_version)
    if current.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft quote can be changed; this one is %(status)s.")
            % {"status": current.get_status_display().lower()},
            code="not_draft",
        )
    return current


@transaction.atomic
def quote_update(*, quote: Quote, by: AbstractBaseUser, expected_version: int | None = None, **fields: Any) -> Quote:
    """Change a draft quote's validity date, tax rate and notes, as `by` who must reach it. StaleVersionError
    when it moved on since `expected_version`; ValidationError once it is not a draft."""
    current = _claim_draft(quote, by=by, expected_version=expected_version)
    for name in ("valid_until", "tax_rate_percent", "notes"):
        if name in fields:
            setattr(quote, name, fields[name])
    # What the form does not edit stays as the locked row has it.
    for name in ("number", "status", "opportunity_id", "currency", "sent_at", "decided_at", "deletion_id"):
        setattr(quote, name, getattr(current, name))
    quote.notes = (quote.notes or "").strip()
    _check_valid_until(quote.valid_until)
    quote.full_clean()
    quote._history_user = by
    quote.save()
    return quote


def _touch(quote: Quote) -> None:
    """Store the version claimed for a line change (no history entry: see the module)."""
    Quote.all_objects.filter(pk=quote.pk).update(version=quote.version, updated_at=timezone.now())


@transaction.atomic
def quote_line_add(
    *,
    quote: Quote,
    by: AbstractBaseUser,
    product: Product,
    quantity: int,
    discount_percent: Decimal = Decimal("0"),
    expected_version: int | None = None,
) -> QuoteLine:
    """Add a product to a draft quote at its catalogue price now. ValidationError for a product not sold or in
    another currency, a quantity below 1 or a discount outside 0–100 %; StaleVersionError; PermissionDenied."""
    current = _claim_draft(quote, by=by, expected_version=expected_version)
    line_product_check(product=product, currency=current.currency)
    line_terms_check(quantity=quantity, discount_percent=discount_percent)
    line = QuoteLine(
        quote=current,
        product=product,
        quantity=quantity,
        unit_price=product.unit_price,
        discount_percent=discount_percent,
    )
    line.full_clean()
    line.save()
    _touch(quote)
    return line


@transaction.atomic
def quote_line_update(
    *,
    line: QuoteLine,
    by: AbstractBaseUser,
    quantity: int,
    discount_percent: Decimal,
    expected_version: int | None = None,
) -> QuoteLine:
    """Change a draft quote's line: its quantity and discount (its product and unit price stay)."""
    quote = Quote.all_objects.get(pk=line.quote_id)
    _claim_draft(quote, by=by, expected_version=expected_version)
    line_terms_check(quantity=quantity, discount_percent=discount_percent)
    line.quantity, line.discount_percent = quantity, discount_percent
    line.full_clean()
    line.save(update_fields=["quantity", "discount_percent"])
    _touch(quote)
    return line


@transaction.atomic
def quote_line_remove(*, line: QuoteLine, by: AbstractBaseUser, expected_version: int | None = None) -> Quote:
    """Take a line off a draft quote."""
    quote = Quote.all_objects.get(pk=line.quote_id)
    _claim_draft(quote, by=by, expected_version=expected_version)
    QuoteLine.objects.filter(pk=line.pk, quote=quote).delete()
    _touch(quote)
    return quote


_REFUSED = {
    Status.SENT: lambda: _("Only a draft quote can be sent."),
    Status.ACCEPTED: lambda: _("Only a sent quote can be accepted."),
    Status.DECLINED: lambda: _("Only a sent quote can be declined."),
    Status.DRAFT: lambda: _("Only a sent quote can go back to draft."),
}


def _transition(
    quote: Quote, *, to: str, by: AbstractBaseUser, expected_version: int | None
) -> tuple[Quote, Opportunity]:
    """Lock the opportunity, then the quote; check the move is allowed. Returns the locked quote with its new
    status and claimed version (saved by the caller), and the locked opportunity."""
    reach.check(quote, user=by)
    opportunity = _lock_opportunity(quote.opportunity_id)
    current = version_claim(quote, expected=expected_version)
    if to not in TRANSITIONS[current.status]:
        raise ValidationError(_REFUSED[to](), code="transition")
    current.version, current.status = quote.version, to
    return current, opportunity


def _save(quote: Quote, by: AbstractBaseUser) -> Quote:
    quote.full_clean()
    quote._history_user = by
    quote.save()
    return quote


def _check_still_valid(quote: Quote) -> None:
    if quote.valid_until < timezone.localdate():
        raise ValidationError(
            _(
                "This quote expired on %(date)s, so it cannot be accepted: take it back to draft, move its validity "
                "date on and send it again."
            )
            % {"date": date_format(quote.valid_until, get_format("DATE_FORMAT"))},
            code="expired",
        )


@transaction.atomic
def quote_send(*, quote: Quote, by: AbstractBaseUser, expected_version: int | None = None) -> Quote:
    """Mark a draft sent to the customer: it must have lines, be still valid, and its opportunity be open."""
    current, opportunity = _transition(quote, to=Status.SENT, by=by, expected_version=expected_version)
    _check_open(opportunity)
    if not QuoteLine.objects.filter(quote=current).exists():
        raise ValidationError(_("Add at least one line before sending the quote."), code="no_lines")
    if current.valid_until < timezone.localdate():
        raise ValidationError(
            _("This quote's validity date has passed: change it before sending the quote."), code="expired"
        )
    current.sent_at = timezone.now()
    return _save(current, by)


@transaction.atomic
def quote_accept(*, quote: Quote, by: AbstractBaseUser, expected_version: int | None = None) -> Quote:
    """Record that the customer accepted a sent, still valid quote of an open opportunity, and decline the
    opportunity's other sent or accepted quotes (their numbers in `declined_numbers` of the result). Atomic."""
    current, opportunity = _transition(quote, to=Status.ACCEPTED, by=by, expected_version=expected_version)
    _check_open(opportunity)
    _check_still_valid(current)
    now = timezone.now()
    current.decided_at = now
    _save(current, by)
    declined = []
    others = (
        Quote.objects.select_for_update()
        .filter(opportunity=opportunity, status__in=[Status.SENT, Status.ACCEPTED])
        .exclude(pk=current.pk)
        .order_by("pk")
    )
    for other in others:
        other.status, other.decided_at, other.version = Status.DECLINED, now, other.version + 1
        _save(other, by)
        declined.append(other.number)
    current.declined_numbers = declined
    return current


@transaction.atomic
def quote_decline(*, quote: Quote, by: AbstractBaseUser, expected_version: int | None = None) -> Quote:
    """Record that the customer declined a sent quote."""
    current, _opportunity = _transition(quote, to=Status.DECLINED, by=by, expected_version=expected_version)
    current.decided_at = timezone.now()
    return _save(current, by)


@transaction.atomic
def quote_revise(*, quote: Quote, by: AbstractBaseUser, expected_version: int | None = None) -> Quote:
    """Take a sent quote back to draft to correct it (it is then sent again)."""
    current, opportunity = _transition(quote, to=Status.DRAFT, by=by, expected_version=expected_version)
    _check_open(opportunity)
    current.sent_at = None
    return _save(current, by)


def quote_delete(*, quote: Quote, by: AbstractBaseUser) -> Deletion:
    """Move a quote that is not accepted (its lines stay with it) to the recycle bin."""
    reach.check(quote, user=by)
    with transaction.atomic():
        current = Quote.all_objects.select_for_update().get(pk=quote.pk)
        if current.status == Status.ACCEPTED:
            raise ValidationError(
                _("An accepted quote cannot be deleted: it records what the customer agreed to."), code="accepted"
            )
        return deletion_create(root=current, by=by)


def order_from_accepted_quote(*, opportunity: Opportunity, by: AbstractBaseUser) -> Order | None:
    """For an opportunity just moved to a won stage (call inside that transaction, `by` reaching the
    opportunity): a draft order from its accepted quote, for the opportunity's customer, with the quote's lines at
    the quote's prices and discounts, numbered from the order series. None when it has no accepted quote, or when
    that quote already has an order (also one in the recycle bin): winning again never makes a second one."""
    quote = (
        Quote.objects.select_for_update()
        .filter(opportunity=opportunity, status=Status.ACCEPTED)
        .order_by("-id")
        .first()
    )
    if quote is None or Order.all_objects.filter(quote=quote).exists():
        return None
    lines = list(quote.lines.order_by("id").values_list("product_id", "quantity", "unit_price", "discount_percent"))
    if not lines:
        return None
    # The order belongs to the customer, whoever owns it: winning is the opportunity owner's to do, and the order
    # is what the customer agreed to.
    order = Order(
        kind=Order.Kind.ORDER,
        status=Order.Status.DRAFT,
        customer_id=opportunity.customer_id,
        opportunity=opportunity,
        quote=quote,
        ordered_at=timezone.now(),
        currency=quote.currency,
        number=number_allocate(prefix=ORDER_PREFIX),
    )
    order.full_clean()
    order._history_user = by
    order.save()
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product_id=product_id, quantity=quantity, unit_price=price, discount_percent=discount)
        for product_id, quantity, price, discount in lines
    )
    order_totals_refresh(order_ids=[order.pk])
    order.refresh_from_db(fields=["total", "line_count"])
    return order
