"""Every write to customers and what hangs off them, from the pages, the admin, imports and tasks alike.

Each service checks that the acting user reaches what it is given (PermissionDenied otherwise), validates
(full_clean), runs in one transaction, claims the row's next version (StaleVersionError when the caller's copy
is out of date), records who made the change in the history, and raises ValidationError for broken rules.
Deleting moves a record and what hangs on it to the recycle bin (records.services)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from accounts import reach
from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.search import customer_search_document
from customers.selectors import customer_duplicates, customer_scope, customer_visibility, owners_for
from customers.validators import phone_digits
from records.audit import audit_record
from records.history import one_history_entry
from records.models import AuditEntry, Deletion
from records.services import deletion_create
from records.versioning import version_claim

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class DuplicateCustomerError(ValidationError):
    """A new customer's email or phone matches existing customers. `visible` lists those the user may open;
    of the others, `hidden_match` tells only what matched ("email", "phone"): never which, whose or how many."""

    def __init__(self, *, visible: list[Customer], hidden_match: frozenset[str] = frozenset()):
        super().__init__(
            _(
                "A customer with the same email or phone already exists. Check it is not the same customer, "
                "or confirm that you want to create another one."
            ),
            code="duplicate",
        )
        self.visible = visible
        self.hidden_match = hidden_match

    @property
    def hidden_notice(self) -> str:
        """One sentence for the duplicates the user cannot open, or "" when there are none."""
        if not self.hidden_match:
            return ""
        if self.hidden_match == {"email"}:
            return _(
                "A customer record with this email address already exists. Ask an administrator whether it "
                "is the same customer."
            )
        if self.hidden_match == {"phone"}:
            return _(
                "A customer record with this phone number already exists. Ask an administrator whether it "
                "is the same customer."
            )
        return _(
            "A customer record with this email address or phone number already exists. Ask an "
            "administrator whether it is the same customer."
        )


def _duplicate_match(customer: Customer, others: list[Customer]) -> frozenset[str]:
    """Which of the new customer's fields the `others` share: "email", "phone" or both."""
    matched = set()
    for other in others:
        if customer.email and other.email.lower() == customer.email:
            matched.add("email")
        if customer.phone_digits and other.phone_digits == customer.phone_digits:
            matched.add("phone")
    return frozenset(matched)


def _check_owner(*, owner: Any, by: AbstractBaseUser) -> None:
    if owner is None or not owners_for(user=by).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You cannot assign customers to this user.")}, code="owner_not_allowed")


def customer_normalize(customer: Customer) -> None:
    """Lower-case the email and derive `phone_digits` from the phone, as every write path must."""
    customer.email = (customer.email or "").strip().lower()
    customer.phone = (customer.phone or "").strip()
    customer.phone_digits = phone_digits(customer.phone)


def _apply(customer: Customer, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(customer, name, value)
    customer_normalize(customer)
    customer.search_text = _search_text(customer)


def _live_contacts(customer_ids: Iterable[int]) -> dict[int, list[tuple[str, str, str]]]:
    """(name, email, phone digits) of the contacts of these customers that are not in the recycle bin."""
    contacts: dict[int, list[tuple[str, str, str]]] = {}
    for customer_id, name, email, phone in (
        Contact.objects.filter(customer_id__in=customer_ids)
        .order_by("pk")
        .values_list("customer_id", "name", "email", "phone")
    ):
        contacts.setdefault(customer_id, []).append((name, email, phone_digits(phone)))
    return contacts


def _search_text(customer: Customer) -> str:
    contacts = _live_contacts([customer.pk]).get(customer.pk, []) if customer.pk else []
    return customer_search_document(
        name=customer.name, email=customer.email, phone_digits=customer.phone_digits, contacts=contacts
    )


def customer_search_refresh(*, customer_ids: Iterable[int]) -> None:
    """Rewrite what search reads for these customers (customers/search.py) from their fields and live contacts:
    after a contact is added, changed, deleted, restored or erased, or a customer erased. Customers in the recycle
    bin too, so a restored one is found as it was. Not a change of the customer: no version, history or
    `updated_at`. Call it inside the transaction of the write, so search never sees one without the other."""
    ids = {pk for pk in customer_ids if pk is not None}
    if not ids:
        return
    contacts = _live_contacts(ids)
    for pk, name, email, digits in Customer.all_objects.filter(pk__in=ids).values_list(
        "pk", "name", "email", "phone_digits"
    ):
        text = customer_search_document(name=name, email=email, phone_digits=digits, contacts=contacts.get(pk, []))
        Customer.all_objects.filter(pk=pk).update(search_text=text)


def customer_search_refresh_of(customer_ids: set[int]) -> None:
    """The recycle bin's callback (records.hooks.watch_bin): contacts of these customers were taken, restored or
    purged."""
    customer_search_refresh(customer_ids=customer_ids)


def customer_create(
    *,
    by: AbstractBaseUser | None,
    tags: Iterable[Tag] = (),
    allow_duplicate: bool = False,
    customer: Customer | None = None,
    **fields: Any,
) -> Customer:
    """Create a customer owned by someone `by` may assign to (from `fields`, or an unsaved instance the admin's
    form filled in), atomically. Raises DuplicateCustomerError unless allowed; a duplicate `by` cannot reach is
    recorded in the audit log (outside the refused transaction, so the entry stays).

    `by=None` is a customer no user creates (a public web form): the caller chose its owner."""
    customer = customer if customer is not None else Customer()
    _apply(customer, fields)
    if by is not None:
        _check_owner(owner=customer.owner if customer.owner_id else None, by=by)
    customer.full_clean()
    if not allow_duplicate:
        duplicates = list(customer_duplicates(email=customer.email, phone=customer.phone)[:10])
        if duplicates:
            # The warning prevents duplicates even across books, but of a record `by` cannot open it says only
            # that it exists and to ask an administrator: its name, owner or number would tell them another
            # user's customers.
            can_see = customer_visibility(user=by) if by is not None else (lambda duplicate: False)
            hidden = [d for d in duplicates if not can_see(d)]
            if hidden:
                audit_record(
                    action=AuditEntry.Action.DUPLICATE_HINT,
                    actor=by,
                    object_type="customers.customer",
                    object_id=",".join(str(d.pk) for d in hidden)[:64],
                    label=hidden[0].name,
                    detail={"matched": sorted(_duplicate_match(customer, hidden))},
                )
            raise DuplicateCustomerError(
                visible=[d for d in duplicates if can_see(d)], hidden_match=_duplicate_match(customer, hidden)
            )
    with transaction.atomic(), one_history_entry(customer):
        customer._history_user = by
        customer.save()
        if tags:
            customer.tags.set(tags)
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    tags: Iterable[Tag] | None = None,
    **fields: Any,
) -> Customer:
    """Change a customer's fields (and tags when given), as `by` who must reach it; a new owner must be one `by`
    may assign to. `expected_version` is the version the caller read (StaleVersionError when it moved on)."""
    reach.check(customer, user=by)
    current = version_claim(customer, expected=expected_version)
    _apply(customer, fields)
    # Derived from the interactions, not edited: keep the value of the locked row, not the caller's older copy.
    customer.last_contacted_at = current.last_contacted_at
    if customer.owner_id != current.owner_id:
        _check_owner(owner=customer.owner, by=by)
    customer.full_clean()
    customer._history_user = by
    with one_history_entry(customer):
        customer.save()
        if tags is not None and set(customer.tags.all()) != set(tags):
            customer.tags.set(tags)
    if customer.owner_id != current.owner_id:
        audit_record(
            action=AuditEntry.Action.OWNER_CHANGE,
            actor=by,
            obj=customer,
            detail={"from": current.owner_id, "to": customer.owner_id},
        )
    return customer


def customer_delete(*, customer: Customer, by: AbstractBaseUser | None) -> Deletion:
    """Move a customer to the recycle bin with its contacts, interactions and the relationships `by` reaches.

    A relationship to a customer `by` does not reach stays where its other owner sees it (on their customer's
    page, naming this one as in the recycle bin) until the purge; `by` never removes what another owner sees.
    """
    if by is not None:
        reach.check(customer, user=by)
    relationships = Relationship.objects.filter(Q(from_customer=customer) | Q(to_customer=customer))
    if by is not None:
        relationships = relationships.filter(pk__in=reach.scope(Relationship, user=by, write=True).values("pk"))
    return deletion_create(
        root=customer,
        by=by,
        related=[
            Contact.objects.filter(customer=customer),
            Interaction.objects.filter(customer=customer),
            relationships,
        ],
    )


def _contact_save(contact: Contact) -> Contact:
    """Validate and save; a primary contact replaces the customer's previous one."""
    contact.email = contact.email.strip().lower()
    contact.full_clean()
    contact.save()
    if contact.is_primary:
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False
        )
    return contact


@transaction.atomic
def contact_create(
    *, customer: Customer, by: AbstractBaseUser | None, contact: Contact | None = None, **fields: Any
) -> Contact:
    """Add a contact (from `fields`, or an unsaved instance an admin form filled in) to a customer `by` reaches;
    a new primary contact replaces the previous one. `by=None`: added by no user (a public web form)."""
    if by is not None:
        reach.check(customer, user=by)
    contact = contact if contact is not None else Contact()
    contact.customer = customer
    for name, value in fields.items():
        setattr(contact, name, value)
    contact._history_user = by
    contact = _contact_save(contact)
    customer_search_refresh(customer_ids=[contact.customer_id])
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, by: AbstractBaseUser, expected_version: int | None = None, **fields: Any
) -> Contact:
    """Change a contact; making it primary replaces the previous primary contact. StaleVersionError when the
    contact changed since `expected_version`."""
    reach.check(contact, user=by)
    current = version_claim(contact, expected=expected_version)
    for name, value in fields.items():
        setattr(contact, name, value)
    if contact.customer_id != current.customer_id:
        reach.check(contact.customer, user=by)  # moved to another customer: that one must be reachable too
    contact._history_user = by
    contact = _contact_save(contact)
    customer_search_refresh(customer_ids=[contact.customer_id, current.customer_id])
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: AbstractBaseUser) -> Deletion:
    """Move a contact to the recycle bin (its customer is no longer found by it)."""
    reach.check(contact, user=by)
    deletion = deletion_create(root=contact, by=by)
    customer_search_refresh(customer_ids=[contact.customer_id])
    return deletion


def customer_contacted_refresh(customer_ids: Iterable[int]) -> None:
    """Set each customer's `last_contacted_at` to the latest `occurred_at` of its live interactions (None when it
    has none). One UPDATE, each customer's value read from the interaction timeline index. Called by the
    interaction services, and by the recycle bin when it takes, restores or purges interactions
    (registered in CustomersConfig.ready); not a change to the customer, so neither its version nor
    `updated_at` moves."""
    ids = sorted({pk for pk in customer_ids if pk is not None})
    if not ids:
        return
    latest = Interaction.objects.filter(customer_id=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    Customer.all_objects.filter(pk__in=ids).update(last_contacted_at=Subquery(latest))


@transaction.atomic
def interaction_log(
    *, customer: Customer, by: AbstractBaseUser | None, interaction: Interaction | None = None, **fields: Any
) -> Interaction:
    """Record a call, email, meeting, chat, social contact, visit or web form submission with a customer `by`
    reaches. `by=None`: recorded by no user (a public web form); `user` (logged by) must then be given."""
    if by is not None:
        reach.check(customer, user=by)
    interaction = interaction if interaction is not None else Interaction()
    interaction.customer = customer
    if not interaction.user_id:
        interaction.user = by
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.full_clean()
    interaction._history_user = by
    interaction.save()
    customer_contacted_refresh([interaction.customer_id])
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, by: AbstractBaseUser, expected_version: int | None = None, **fields: Any
) -> Interaction:
    """Correct a logged interaction (who logged it stays). StaleVersionError when it changed since
    `expected_version`."""
    reach.check(interaction, user=by)
    current = version_claim(interaction, expected=expected_version)
    for name, value in fields.items():
        setattr(interaction, name, value)
    if interaction.customer_id != current.customer_id:
        reach.check(interaction.customer, user=by)
    interaction.full_clean()
    interaction._history_user = by
    interaction.save()
    # Its time may have moved, or it may have moved to another customer: both customers' latest contact.
    customer_contacted_refresh([current.customer_id, interaction.customer_id])
    return interaction


def interaction_delete(*, interaction: Interaction, by: AbstractBaseUser) -> Deletion:
    """Move an interaction to the recycle bin (which refreshes the customer's `last_contacted_at`)."""
    reach.check(interaction, user=by)
    return deletion_create(root=interaction, by=by)


def _check_related(*, customer: Customer, other: Customer, by: AbstractBaseUser) -> None:
    if other.pk == customer.pk:
        raise ValidationError({"to_customer": _("A customer cannot be related to itself.")}, code="self")
    if not customer_scope(user=by, write=True).filter(pk=other.pk).exists():
        raise ValidationError({"to_customer": _("Select a customer you have access to.")}, code="not_visible")


@transaction.atomic
def relationship_create(
    *,
    customer: Customer,
    by: AbstractBaseUser,
    to_customer: Customer,
    relationship: Relationship | None = None,
    **fields: Any,
) -> Relationship:
    """Relate `customer` to another customer that `by` can reach. Raises ValidationError for a duplicate."""
    reach.check(customer, user=by)
    _check_related(customer=customer, other=to_customer, by=by)
    relationship = relationship if relationship is not None else Relationship()
    relationship.from_customer, relationship.to_customer = customer, to_customer
    for name, value in fields.items():
        setattr(relationship, name, value)
    relationship.full_clean()
    # The unique check above sees live rows only; the same relationship waiting in the recycle bin still holds
    # the database's unique key.
    if Relationship.all_objects.filter(
        from_customer=customer, to_customer=to_customer, kind=relationship.kind, deletion__isnull=False
    ).exists():
        raise ValidationError(
            _("This relationship is in the recycle bin: restore it from there instead."), code="in_recycle_bin"
        )
    relationship._history_user = by
    relationship.save()
    return relationship


@transaction.atomic
def relationship_update(
    *, relationship: Relationship, by: AbstractBaseUser, expected_version: int | None = None, **fields: Any
) -> Relationship:
    """Change a relationship's kind, status or notes (the two customers stay); `by` must reach both customers."""
    reach.check(relationship, user=by)
    version_claim(relationship, expected=expected_version)
    for name, value in fields.items():
        setattr(relationship, name, value)
    for side in (relationship.from_customer, relationship.to_customer):
        reach.check(side, user=by)  # the admin's form can move either side
    relationship.full_clean()
    relationship._history_user = by
    relationship.save()
    return relationship


def relationship_delete(*, relationship: Relationship, by: AbstractBaseUser) -> Deletion:
    """Move a relationship to the recycle bin; `by` must reach both customers."""
    reach.check(relationship, user=by)
    return deletion_create(root=relationship, by=by)
