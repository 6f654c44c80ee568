"""Privacy requests about a person: export everything held about them, or erase their personal data.

A person is a customer of the kind "person", or a contact at a company. Erasure keeps the record (orders and
counts stay true) but replaces every personal field on it, on what hangs off it, in its field history and in
the recycle bin, and leaves one audit entry saying who erased what, without the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import reach
from customers.models import Contact, Customer, Interaction, Relationship
from customers.services import customer_search_refresh
from records.audit import audit_record
from records.models import AuditEntry, Deletion

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ERASE_PERMISSION = "customers.erase_personal_data"
ERASED = "—"

# What counts as personal data on each model, and what it becomes.
_PERSONAL: dict[type[Model], dict[str, Any]] = {
    Customer: {"email": "", "phone": "", "address": "", "city": "", "notes": ""},
    Contact: {"name": ERASED, "role": "", "email": "", "phone": ""},
    Interaction: {"subject": ERASED, "summary": "", "next_step": ""},
    Relationship: {"notes": ""},
}


def _check(*, obj: Model, by: AbstractBaseUser, permission: str | None) -> None:
    reach.check(obj, user=by, write=False)
    if permission and not by.has_perm(permission):
        raise PermissionDenied(_("You may not erase personal data."))


def _rows(model: type[Model], **lookup) -> list[dict[str, Any]]:
    fields = [f.attname for f in model._meta.concrete_fields if f.name != "deletion"]
    return list(model.all_objects.filter(**lookup).order_by("pk").values(*fields))


def _history(model: type[Model], **lookup) -> list[dict[str, Any]]:
    history = model.history.model
    fields = [f.attname for f in history._meta.concrete_fields]
    return list(history.objects.filter(**lookup).order_by("history_date", "history_id").values(*fields))


def customer_personal_data(*, customer: Customer, by: AbstractBaseUser) -> str:
    """Everything held about a person customer, as one JSON document (also what is in the recycle bin), and an
    audit entry. Raises PermissionDenied outside the user's reach."""
    _check(obj=customer, by=by, permission=None)
    data = {
        "exported_at": timezone.now(),
        "customer": _rows(Customer, pk=customer.pk)[0],
        "tags": list(customer.tags.values_list("name", flat=True)),
        "contacts": _rows(Contact, customer=customer),
        "interactions": _rows(Interaction, customer=customer),
        "relationships": [
            {
                **row,
                "from_customer_name": names.get(row["from_customer_id"]),
                "to_customer_name": names.get(row["to_customer_id"]),
            }
            for names in [
                dict(
                    Customer.all_objects.filter(
                        Q(relationships_from__from_customer=customer)
                        | Q(relationships_from__to_customer=customer)
                        | Q(relationships_to__from_customer=customer)
                        | Q(relationships_to__to_customer=customer)
                    ).values_list("pk", "name")
                )
            ]
            for row in _rows(
                Relationship,
                pk__in=Relationship.all_objects.filter(Q(from_customer=customer) | Q(to_customer=customer)).values(
                    "pk"
                ),
            )
        ],
        "history": {
            "customer": _history(Customer, id=customer.pk),
            "contacts": _history(Contact, customer_id=customer.pk),
            "interactions": _history(Interaction, customer_id=customer.pk),
        },
    }
    audit_record(
        action=AuditEntry.Action.PERSON_EXPORT,
        actor=by,
        object_type="customers.customer",
        object_id=customer.pk,
        label=customer.name,
    )
    return DjangoJSONEncoder(indent=2, ensure_ascii=False).encode(data)


def contact_personal_data(*, contact: Contact, by: AbstractBaseUser) -> str:
    """Everything held about a contact person, as one JSON document, and an audit entry."""
    _check(obj=contact, by=by, permission=None)
    data = {
        "exported_at": timezone.now(),
        "contact": _rows(Contact, pk=contact.pk)[0],
        "company": contact.customer.name,
        "history": _history(Contact, id=contact.pk),
    }
    audit_record(
        action=AuditEntry.Action.PERSON_EXPORT,
        actor=by,
        object_type="customers.contact",
        object_id=contact.pk,
        label=contact.name,
    )
    return DjangoJSONEncoder(indent=2, ensure_ascii=False).encode(data)


def _erase_rows(model: type[Model], extra: dict[str, Any] | None = None, **lookup) -> int:
    """Erase the personal fields of the rows matching `lookup` and of their history rows (use `id`, not `pk`:
    a history row's pk is its own)."""
    values = {**_PERSONAL[model], **(extra or {})}
    count = model.all_objects.filter(**lookup).update(**values)
    model.history.model.objects.filter(**lookup).update(**values)
    return count


def _redact_trail(object_type: str, object_ids: list[Any], label: str) -> None:
    """Names in earlier audit entries and recycle-bin labels are personal data too. This is the one change ever
    made to past audit entries: the label goes, what happened and who did it stay."""
    AuditEntry.objects.filter(object_type=object_type, object_id__in=[str(i) for i in object_ids]).update(
        object_label=label
    )


@transaction.atomic
def customer_erase(*, customer: Customer, by: AbstractBaseUser) -> Customer:
    """Erase a person customer's personal data everywhere we hold it (record, contacts, interactions,
    relationship notes, field history, recycle bin, earlier audit labels). Raises ValidationError for a company
    (erase its contacts instead), PermissionDenied without the erase permission or outside reach."""
    _check(obj=customer, by=by, permission=ERASE_PERMISSION)
    if customer.kind != Customer.Kind.PERSON:
        raise ValidationError(_("Only a person's data can be erased; for a company, erase its contacts."))
    label = _("Erased person %(id)s") % {"id": customer.pk}
    _erase_rows(Customer, {"name": label}, id=customer.pk)
    Customer.all_objects.filter(pk=customer.pk).update(phone_digits="")  # not in the history
    contacts = list(Contact.all_objects.filter(customer=customer).values_list("pk", flat=True))
    counts = {
        "contacts": _erase_rows(Contact, customer_id=customer.pk),
        "interactions": _erase_rows(Interaction, customer_id=customer.pk),
        "relationships": _erase_rows(Relationship, from_customer_id=customer.pk)
        + _erase_rows(Relationship, to_customer_id=customer.pk),
    }
    Deletion.objects.filter(
        content_type__app_label="customers", content_type__model="customer", object_id=customer.pk
    ).update(label=label)
    Deletion.objects.filter(
        content_type__app_label="customers", content_type__model="contact", object_id__in=contacts
    ).update(label=ERASED)
    _redact_trail("customers.customer", [customer.pk], label)
    _redact_trail("customers.contact", contacts, ERASED)
    customer_search_refresh(customer_ids=[customer.pk])  # the search text held the erased name, email and phones
    audit_record(
        action=AuditEntry.Action.ERASE,
        actor=by,
        object_type="customers.customer",
        object_id=customer.pk,
        label=label,
        detail={"erased": counts},
    )
    customer.refresh_from_db()
    return customer


@transaction.atomic
def contact_erase(*, contact: Contact, by: AbstractBaseUser) -> Contact:
    """Erase a contact person's personal data from the contact, its field history, the recycle bin and earlier
    audit labels. Raises PermissionDenied without the erase permission or outside reach."""
    _check(obj=contact, by=by, permission=ERASE_PERMISSION)
    _erase_rows(Contact, id=contact.pk)
    customer_search_refresh(customer_ids=[contact.customer_id])
    Deletion.objects.filter(
        content_type__app_label="customers", content_type__model="contact", object_id=contact.pk
    ).update(label=ERASED)
    _redact_trail("customers.contact", [contact.pk], ERASED)
    audit_record(
        action=AuditEntry.Action.ERASE,
        actor=by,
        object_type="customers.contact",
        object_id=contact.pk,
        label=ERASED,
        detail={"customer": contact.customer_id},
    )
    contact.refresh_from_db()
    return contact
