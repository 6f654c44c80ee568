"""The recycle bin: delete (to the bin), restore, purge. Every app's delete service ends here."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_administrator
from crm.db import RecyclableModel
from records.audit import audit_record
from records.hooks import bin_affected, bin_changed
from records.models import AuditEntry, Deletion
from records.selectors import deletion_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

RETENTION_DAYS = 30


def recyclable_models() -> list[type[Model]]:
    return [m for m in apps.get_models() if issubclass(m, RecyclableModel)]


def _owner_id(obj: Model) -> int | None:
    path = obj.owner_path[0] if isinstance(obj.owner_path, tuple) else obj.owner_path
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


@transaction.atomic
def deletion_create(*, root: Model, by: AbstractBaseUser | None, related: list[QuerySet] = ()) -> Deletion:
    """Move `root` and the live rows of `related` to the recycle bin as one entry, and audit it. Atomic.

    Nothing is removed: each row is marked with the entry, and every list stops showing it.
    """
    entry = Deletion.objects.create(
        content_type=ContentType.objects.get_for_model(root),
        object_id=root.pk,
        label=str(root)[:255],
        domain=root.reach_domain,
        owner_id=_owner_id(root),
        deleted_by=by,
    )
    summary = {}
    root_rows = type(root).all_objects.filter(pk=root.pk)
    pending = bin_affected([*(rows.filter(deletion__isnull=True) for rows in related), root_rows])
    for rows in related:
        taken = rows.filter(deletion__isnull=True).update(deletion=entry, version=F("version") + 1)
        if taken:
            summary[rows.model._meta.label_lower] = taken  # named when shown, in the reader's language
    root_rows.update(deletion=entry, version=F("version") + 1)
    bin_changed(pending)
    entry.summary = summary
    entry.save(update_fields=["summary"])
    audit_record(action=AuditEntry.Action.DELETE, actor=by, obj=root, detail={"took": summary})
    return entry


def _check_reach(entry: Deletion, by: AbstractBaseUser) -> None:
    if not deletion_scope(user=by).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("Only the record's owner or an administrator may do this."))


def _root(entry: Deletion) -> Model | None:
    return entry.content_type.model_class().all_objects.filter(pk=entry.object_id).first()


@transaction.atomic
def deletion_restore(*, deletion: Deletion, by: AbstractBaseUser) -> Model:
    """Bring back everything this delete took, as it was. Raises ValidationError if what the record hangs on is
    itself in the recycle bin (restore that first), PermissionDenied outside the owner's reach."""
    _check_reach(deletion, by)
    root = _root(deletion)
    if root is None:
        raise ValidationError(_("This record no longer exists; it was purged with what it belonged to."))
    for field in type(root)._meta.concrete_fields:
        parent_model = field.related_model
        if field.many_to_one and parent_model and issubclass(parent_model, RecyclableModel):
            parent = parent_model.all_objects.filter(pk=getattr(root, field.attname)).first()
            if parent is not None and parent.deletion_id is not None:
                raise ValidationError(
                    _("“%(record)s” belongs to “%(parent)s”, which is in the recycle bin: restore that first.")
                    % {"record": deletion.label, "parent": parent}
                )
    pending = bin_affected([model.all_objects.filter(deletion=deletion) for model in recyclable_models()])
    for model in recyclable_models():
        model.all_objects.filter(deletion=deletion).update(deletion=None, version=F("version") + 1)
    bin_changed(pending)
    audit_record(action=AuditEntry.Action.RESTORE, actor=by, obj=root, detail={"restored": deletion.summary})
    deletion.delete()
    root.refresh_from_db()
    return root


def _purge(entry: Deletion) -> None:
    root = _root(entry)
    pending = bin_affected([model.all_objects.filter(deletion=entry) for model in recyclable_models()])
    for model in recyclable_models():
        if root is None or model is not type(root):
            model.all_objects.filter(deletion=entry).delete()
    if root is not None:
        root.delete()
    entry.delete()
    _forget_orphans()
    bin_changed(pending)


def _forget_orphans() -> None:
    """Entries whose record went with a purge of what it belonged to (a contact deleted before its customer)."""
    for model in recyclable_models():
        content_type = ContentType.objects.get_for_model(model)
        entries = dict(Deletion.objects.filter(content_type=content_type).values_list("object_id", "pk"))
        if entries:
            alive = set(model.all_objects.filter(pk__in=entries).values_list("pk", flat=True))
            Deletion.objects.filter(pk__in=[pk for oid, pk in entries.items() if oid not in alive]).delete()


@transaction.atomic
def deletion_purge(*, deletion: Deletion, by: AbstractBaseUser) -> None:
    """Remove for good what this delete took (administrators only). Raises PermissionDenied, or ValidationError
    when other records still depend on it."""
    if not is_administrator(by):
        raise PermissionDenied(_("Only an administrator may purge the recycle bin."))
    label, object_type, object_id = deletion.label, deletion.content_type, deletion.object_id
    try:
        _purge(deletion)
    except ProtectedError as exc:
        raise ValidationError(
            _("“%(record)s” cannot be purged: other records still refer to it.") % {"record": label}
        ) from exc
    audit_record(
        action=AuditEntry.Action.PURGE,
        actor=by,
        object_type=f"{object_type.app_label}.{object_type.model}",
        object_id=object_id,
        label=label,
    )


def deletion_purge_expired(*, days: int = RETENTION_DAYS, now=None) -> int:
    """Purge every entry older than `days` (the nightly job). Each entry in its own transaction; one that cannot
    be purged is kept and the others still go. Returns how many were purged."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    purged = 0
    for entry in Deletion.objects.filter(deleted_at__lt=cutoff).order_by("deleted_at", "pk"):
        try:
            with transaction.atomic():
                label, ct, oid = entry.label, entry.content_type, entry.object_id
                _purge(entry)
                audit_record(
                    action=AuditEntry.Action.PURGE,
                    object_type=f"{ct.app_label}.{ct.model}",
                    object_id=oid,
                    label=label,
                    detail={"expired_after_days": days},
                )
            purged += 1
        except (ProtectedError, Deletion.DoesNotExist):
            continue
    return purged
