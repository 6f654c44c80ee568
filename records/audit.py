"""Writing the audit log: one function every app calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from records.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as the sign-in lockout sees it (behind the configured proxies)."""
    if request is None:
        return None
    from security.addresses import client_address as address_behind_proxies

    return address_behind_proxies(request) or None


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | None = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    label: str = "",
    detail: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry. `obj` fills the record's type, id and label; `detail` holds what the action needs to be
    understood later (filters, counts, old and new owner), never personal data of a person erased."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        label = label or str(obj)
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        object_type=object_type,
        object_id=str(object_id or ""),
        object_label=label[:255],
        detail=detail or {},
        address=client_address(request),
    )
