"""Every write to customers and what hangs off them. Each service validates (full_clean), runs in one
transaction, records who made the change in the history, and raises ValidationError for broken rules."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.selectors import customer_duplicates, customer_scope, customer_visibility, owners_for
from customers.validators import phone_digits

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class DuplicateCustomerError(ValidationError):
    """A new customer's email or phone matches existing customers. `visible` lists those the user may open;
    of the others, `hidden_match` tells only what matched ("email", "phone"): never which, whose or how many."""

    def __init__(self, *, visible: list[Customer], hidden_match: frozenset[str] = frozenset()):
        super().__init__(
            _("A customer with the same email or phone already exists. Check it is not the same customer, "
              "or confirm that you want to create another one."),
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
            return _("A customer record with this email address already exists. Ask an administrator whether it "
                     "is the same customer.")
        if self.hidden_match == {"phone"}:
            return _("A customer record with this phone number already exists. Ask an administrator whether it "
                     "is the same customer.")
        return _("A customer record with this email address or phone number already exists. Ask an "
                 "administrator whether it is the same customer.")


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


@transaction.atomic
def customer_create(
    *, by: AbstractBaseUser, tags: Iterable[Tag] = (), allow_duplicate: bool = False, **fields: Any
) -> Customer:
    """Create a customer owned by someone `by` may assign to. Raises DuplicateCustomerError unless allowed."""
    customer = Customer()
    _apply(customer, fields)
    _check_owner(owner=customer.owner if customer.owner_id else None, by=by)
    customer.full_clean()
    if not allow_duplicate:
        duplicates = list(customer_duplicates(email=customer.email, phone=customer.phone)[:10])
        if duplicates:
            # The warning prevents duplicates even across books, but of a record `by` cannot open it says only
            # that it exists and to ask an administrator: its name, owner or number would tell them another
            # user's customers.
            can_see = customer_visibility(user=by)
            hidden = [d for d in duplicates if not can_see(d)]
            # audit: when `hidden`, record that `by` was told that records they cannot reach share this email/phone
            raise DuplicateCustomerError(visible=[d for d in duplicates if can_see(d)],
                                         hidden_match=_duplicate_match(customer, hidden))
    customer._history_user = by
    customer.save()
    if tags:
        customer.tags.set(tags)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: AbstractBaseUser, tags: Iterable[Tag] | None = None,
                    **fields: Any) -> Customer:
    """Change a customer's fields (and tags when given); a new owner must be one `by` may assign to."""
    owner_before = customer.owner_id
    _apply(customer, fields)
    if customer.owner_id != owner_before:
        _check_owner(owner=customer.owner, by=by)
    customer.full_clean()
    customer._history_user = by
    customer.save()
    if tags is not None and set(customer.tags.all()) != set(tags):
        customer.tags.set(tags)
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer, by: AbstractBaseUser) -> None:
    """Delete a customer with its contacts, interactions and relationships; the history keeps a record."""
    customer._history_user = by
    customer.delete()


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
def contact_create(*, customer: Customer, by: AbstractBaseUser, **fields: Any) -> Contact:
    """Add a contact; a new primary contact replaces the previous one."""
    return _contact_save(Contact(customer=customer, **fields))


@transaction.atomic
def contact_update(*, contact: Contact, by: AbstractBaseUser, **fields: Any) -> Contact:
    """Change a contact; making it primary replaces the previous primary contact."""
    for name, value in fields.items():
        setattr(contact, name, value)
    return _contact_save(contact)


@transaction.atomic
def contact_delete(*, contact: Contact, by: AbstractBaseUser) -> None:
    contact.delete()


@transaction.atomic
def interaction_log(*, customer: Customer, by: AbstractBaseUser, **fields: Any) -> Interaction:
    """Record a call, email, meeting, chat, social contact or visit with a customer, logged by `by`."""
    interaction = Interaction(customer=customer, user=by, **fields)
    interaction.full_clean()
    interaction.save()
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction, by: AbstractBaseUser) -> None:
    interaction.delete()


def _check_related(*, customer: Customer, other: Customer, by: AbstractBaseUser) -> None:
    if other.pk == customer.pk:
        raise ValidationError({"to_customer": _("A customer cannot be related to itself.")}, code="self")
    if not customer_scope(user=by).filter(pk=other.pk).exists():
        raise ValidationError({"to_customer": _("Select a customer you have access to.")}, code="not_visible")


@transaction.atomic
def relationship_create(*, customer: Customer, by: AbstractBaseUser, to_customer: Customer,
                        **fields: Any) -> Relationship:
    """Relate `customer` to another customer that `by` can reach. Raises ValidationError for a duplicate."""
    _check_related(customer=customer, other=to_customer, by=by)
    relationship = Relationship(from_customer=customer, to_customer=to_customer, **fields)
    relationship.full_clean()
    relationship.save()
    return relationship


@transaction.atomic
def relationship_update(*, relationship: Relationship, by: AbstractBaseUser, **fields: Any) -> Relationship:
    """Change a relationship's kind, status or notes (the two customers stay)."""
    for name, value in fields.items():
        setattr(relationship, name, value)
    relationship.full_clean()
    relationship.save()
    return relationship


@transaction.atomic
def relationship_delete(*, relationship: Relationship, by: AbstractBaseUser) -> None:
    relationship.delete()
