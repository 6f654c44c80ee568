"""Every write to opportunities, from the pages, the board, the admin and imports alike.

Each service checks that the acting user reaches the opportunity and every record it is handed (its customer
by id, its owner among the users `by` may assign to, its contact among the customer's), claims the row's next
version (StaleVersionError when the caller's copy is out of date), validates, and records who changed it. Every
change of stage goes through `opportunity_move_stage`, which writes the StageChange row analytics learn from, and
which turns the accepted quote of an opportunity it wins into a draft order (sales.services.quotes).

Line items: while an opportunity has lines, its amount is their total (computed by the database and stored with
each line change, so the board and the lists read it like any amount); without lines the amount is typed by hand.
Lines change only while the opportunity is open, each change claiming the opportunity's next version.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import reach
from customers.models import Customer
from customers.services import customer_update
from records.models import Deletion
from records.services import deletion_create
from records.versioning import version_claim
from sales.models import Opportunity, OpportunityLine, Product, Quote, Stage, StageChange, Task
from sales.selectors.opportunities import opportunity_line_totals, sales_owners_for
from sales.services.lines import line_product_check, line_terms_check
from sales.services.quotes import order_from_accepted_quote

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _check_related(opportunity: Opportunity, *, by: AbstractBaseUser, changed: set[str]) -> None:
    """The customer within `by`'s reach, the owner one `by` may assign to, the contact one of the customer's."""
    errors = {}
    if "customer_id" in changed and opportunity.customer_id is not None:
        if not reach.scope(Customer, user=by, write=True).filter(pk=opportunity.customer_id).exists():
            errors["customer"] = _("Select a customer you have access to.")
    if "owner_id" in changed and opportunity.owner_id is not None:
        if not sales_owners_for(user=by).filter(pk=opportunity.owner_id).exists():
            errors["owner"] = _("You cannot assign opportunities to this user.")
    if "customer_id" in changed and opportunity.pk is not None:
        if Quote.all_objects.filter(opportunity_id=opportunity.pk).exists():
            errors["customer"] = _("This opportunity has quotes for its customer: it stays with that customer.")
    if opportunity.contact_id is not None and changed & {"contact_id", "customer_id"}:
        if opportunity.contact.customer_id != opportunity.customer_id:
            errors["contact"] = _("Choose a contact of this opportunity's customer.")
    if errors:
        raise ValidationError(errors, code="not_allowed")


def _apply(opportunity: Opportunity, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.title = (opportunity.title or "").strip()
    opportunity.currency = (opportunity.currency or "").strip().upper()


def first_open_stage() -> Stage:
    """Where a new opportunity starts: the first open stage of the pipeline."""
    stage = Stage.objects.filter(outcome=Stage.Outcome.OPEN).order_by("position", "id").first()
    if stage is None:
        raise ValidationError(_("The pipeline has no open stage: ask an administrator to add one."), code="no_stage")
    return stage


@transaction.atomic
def opportunity_create(
    *,
    by: AbstractBaseUser,
    opportunity: Opportunity | None = None,
    stage: Stage | None = None,
    probability: int | None = None,
    **fields: Any,
) -> Opportunity:
    """Open an opportunity for a customer `by` reaches, owned by someone `by` may assign to (`by` when no owner
    is given), in `stage` (the first open stage by default) with that stage's probability unless one is given.
    Records the entry into its first stage. Raises ValidationError."""
    opportunity = opportunity if opportunity is not None else Opportunity()
    if stage is not None:
        opportunity.stage = stage
    elif not opportunity.stage_id:
        opportunity.stage = first_open_stage()
    _apply(opportunity, fields)
    if not opportunity.owner_id:
        opportunity.owner = by
    opportunity.probability = probability if probability is not None else opportunity.stage.probability
    _check_related(opportunity, by=by, changed={"customer_id", "owner_id", "contact_id"})
    now = timezone.now()
    opportunity.stage_entered_at = now
    opportunity.closed_at = None if opportunity.stage.is_open else now
    opportunity.full_clean()
    opportunity._history_user = by
    opportunity.save()
    StageChange.objects.create(opportunity=opportunity, from_stage=None, to_stage=opportunity.stage, changed_by=by)
    return opportunity


@transaction.atomic
def opportunity_move_stage(
    *,
    opportunity: Opportunity,
    to_stage: Stage,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    probability: int | None = None,
    **fields: Any,
) -> Opportunity:
    """Move an opportunity to `to_stage`, with any other `fields` changed in the same save (the edit form's).

    Records a StageChange (from, to, when, by whom, days in the stage it leaves), sets `stage_entered_at`, sets
    `closed_at` on entering a won or lost stage (clears it when reopened), sets the probability to the new
    stage's default unless one is given, and raises the version. Moving to the stage it is in changes only the
    fields. Raises StaleVersionError, ValidationError (a lost stage needs a reason) or PermissionDenied."""
    reach.check(opportunity, user=by)
    current = version_claim(opportunity, expected=expected_version)
    _apply(opportunity, fields)
    # Compared with the stored row, so a caller that set the fields itself (the admin's form) is checked too.
    changed = {
        name
        for name in ("customer_id", "owner_id", "contact_id")
        if getattr(opportunity, name) != getattr(current, name)
    }
    _check_related(opportunity, by=by, changed=changed)
    _keep_line_terms(opportunity, current)
    moving = to_stage.pk != current.stage_id
    now = timezone.now()
    opportunity.stage = to_stage
    if probability is not None:
        opportunity.probability = probability
    elif moving:
        opportunity.probability = to_stage.probability
    if moving:
        opportunity.stage_entered_at = now
        opportunity.closed_at = None if to_stage.is_open else now
    else:
        opportunity.stage_entered_at, opportunity.closed_at = current.stage_entered_at, current.closed_at
    opportunity.full_clean()
    opportunity._history_user = by
    opportunity.save()
    if moving:
        days = Decimal((now - current.stage_entered_at).total_seconds() / 86400).quantize(Decimal("0.01"))
        StageChange.objects.create(
            opportunity=opportunity,
            from_stage_id=current.stage_id,
            to_stage=to_stage,
            changed_at=now,
            changed_by=by,
            days_in_previous=max(days, Decimal("0")),
        )
    opportunity.order_created = None
    if moving and to_stage.outcome == Stage.Outcome.WON:
        opportunity.order_created = order_from_accepted_quote(opportunity=opportunity, by=by)
    return opportunity


def _keep_line_terms(opportunity: Opportunity, current: Opportunity) -> None:
    """An opportunity with lines keeps the amount they add up to and the currency they are priced in."""
    if opportunity.amount == current.amount and opportunity.currency == current.currency:
        return
    if not OpportunityLine.objects.filter(opportunity_id=current.pk).exists():
        return
    if opportunity.currency != current.currency:
        raise ValidationError(
            {
                "currency": _(
                    "This opportunity's line items are priced in %(currency)s: remove them before changing its "
                    "currency."
                )
                % {"currency": current.currency}
            },
            code="lines_currency",
        )
    opportunity.amount = opportunity_line_totals(opportunity=current).net


def opportunity_update(
    *,
    opportunity: Opportunity,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    stage: Stage | None = None,
    probability: int | None = None,
    **fields: Any,
) -> Opportunity:
    """Change an opportunity's fields, as `by` who must reach it (see opportunity_move_stage, which does the
    work: a new stage is recorded as a stage change). A probability left as it was follows a new stage."""
    if stage is not None and stage.pk != opportunity.stage_id and probability == opportunity.probability:
        probability = None  # not changed by the user: the new stage's default applies
    return opportunity_move_stage(
        opportunity=opportunity,
        to_stage=stage if stage is not None else opportunity.stage,
        by=by,
        expected_version=expected_version,
        probability=probability,
        **fields,
    )


def opportunity_delete(*, opportunity: Opportunity, by: AbstractBaseUser) -> Deletion:
    """Move an opportunity to the recycle bin with its quotes and the tasks about it that `by` reaches (its stage
    changes and lines stay with it); restoring it brings them back together."""
    reach.check(opportunity, user=by)
    tasks = reach.scope(Task, user=by, write=True).filter(opportunity=opportunity)
    return deletion_create(root=opportunity, by=by, related=[Quote.objects.filter(opportunity=opportunity), tasks])


# Line items ---------------------------------------------------------------------------------------------------


def _claim_open(opportunity: Opportunity, *, by: AbstractBaseUser, expected_version: int | None) -> Opportunity:
    """Lock the opportunity and claim its next version (set on `opportunity`); refuse unless it is open."""
    reach.check(opportunity, user=by)
    current = version_claim(opportunity, expected=expected_version)
    if not Stage.objects.filter(pk=current.stage_id, outcome=Stage.Outcome.OPEN).exists():
        raise ValidationError(_("This opportunity is closed: reopen it to change its line items."), code="closed")
    return current


def _follow_lines(current: Opportunity, *, version: int, by: AbstractBaseUser) -> Opportunity:
    """Store the lines' total (computed by the database) as the amount, with the claimed version and one history
    entry. Without lines any more, the amount stays as it was, to be typed by hand again."""
    totals = opportunity_line_totals(opportunity=current)
    if totals.count:
        current.amount = totals.net
    current.version = version
    current._history_user = by
    current.save(update_fields=["amount", "version", "updated_at"])
    return current


@transaction.atomic
def opportunity_line_add(
    *,
    opportunity: Opportunity,
    by: AbstractBaseUser,
    product: Product,
    quantity: int,
    discount_percent: Decimal = Decimal("0"),
    expected_version: int | None = None,
) -> OpportunityLine:
    """Add a product to an open opportunity at its catalogue price now; the amount becomes the lines' total.
    ValidationError for a product not sold or in another currency, a quantity below 1 or a discount outside 0–100
    %; StaleVersionError; PermissionDenied outside reach."""
    current = _claim_open(opportunity, by=by, expected_version=expected_version)
    line_product_check(product=product, currency=current.currency)
    line_terms_check(quantity=quantity, discount_percent=discount_percent)
    line = OpportunityLine(
        opportunity=current,
        product=product,
        quantity=quantity,
        unit_price=product.unit_price,
        discount_percent=discount_percent,
    )
    line.full_clean()
    line.save()
    _follow_lines(current, version=opportunity.version, by=by)
    return line


@transaction.atomic
def opportunity_line_update(
    *,
    line: OpportunityLine,
    by: AbstractBaseUser,
    quantity: int,
    discount_percent: Decimal,
    expected_version: int | None = None,
) -> OpportunityLine:
    """Change a line's quantity and discount (its product and unit price stay); the amount follows."""
    opportunity = Opportunity.all_objects.get(pk=line.opportunity_id)
    current = _claim_open(opportunity, by=by, expected_version=expected_version)
    line_terms_check(quantity=quantity, discount_percent=discount_percent)
    line.quantity, line.discount_percent = quantity, discount_percent
    line.full_clean()
    line.save(update_fields=["quantity", "discount_percent"])
    _follow_lines(current, version=opportunity.version, by=by)
    return line


@transaction.atomic
def opportunity_line_remove(
    *, line: OpportunityLine, by: AbstractBaseUser, expected_version: int | None = None
) -> Opportunity:
    """Take a line off an open opportunity; the amount follows the lines left (or stays, with none left)."""
    opportunity = Opportunity.all_objects.get(pk=line.opportunity_id)
    current = _claim_open(opportunity, by=by, expected_version=expected_version)
    OpportunityLine.objects.filter(pk=line.pk, opportunity=current).delete()
    return _follow_lines(current, version=opportunity.version, by=by)


@transaction.atomic
def lead_qualify(
    *,
    customer: Customer,
    by: AbstractBaseUser,
    title: str,
    amount: Decimal,
    expected_close_date: Any = None,
    currency: str | None = None,
) -> Opportunity:
    """Qualify a lead: in one transaction, move the customer from "lead" to "prospect" and open its first
    opportunity (owned by the customer's owner, in the first open stage). Raises ValidationError when the
    customer is not a lead (any more), PermissionDenied when `by` does not reach it."""
    reach.check(customer, user=by)
    locked = Customer.all_objects.select_for_update().get(pk=customer.pk)
    if locked.lifecycle_stage != Customer.Stage.LEAD:
        raise ValidationError(_("Only a lead can be qualified; this customer is not a lead any more."), code="not_lead")
    customer_update(customer=locked, by=by, expected_version=locked.version, lifecycle_stage=Customer.Stage.PROSPECT)
    fields: dict[str, Any] = {"title": title, "amount": amount, "expected_close_date": expected_close_date}
    if currency:
        fields["currency"] = currency
    return opportunity_create(by=by, customer=locked, owner=locked.owner, source=locked.source, **fields)
