"""Audit entries for what happens outside the services: sign-ins, role and team changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from accounts.models import Team
from records.audit import audit_record
from records.models import AuditEntry


def _acting_user():
    """The signed-in user of the request being served (simple-history's middleware keeps it), if any."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return (user if user is not None and user.is_authenticated else None), request


@receiver(user_logged_in, dispatch_uid="records.audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    audit_record(action=AuditEntry.Action.SIGN_IN, actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="records.audit_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditEntry.Action.SIGN_OUT, actor=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="records.audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the username tried: never the password, whatever else the credentials hold.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action=AuditEntry.Action.SIGN_IN_FAILED,
        object_type="auth.user",
        label=username,
        detail={"username": username},
        request=request,
    )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="records.audit_roles")
def _roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    actor, request = _acting_user()
    names = sorted(
        model.objects.filter(pk__in=pk_set or ()).values_list("name" if not reverse else "username", flat=True)
    )
    what = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    audit_record(action=AuditEntry.Action.ROLE_CHANGE, actor=actor, obj=instance, request=request, detail={what: names})


@receiver(m2m_changed, sender=Team.members.through, dispatch_uid="records.audit_team_members")
def _team_members_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    actor, request = _acting_user()
    names = sorted(
        model.objects.filter(pk__in=pk_set or ()).values_list("username" if not reverse else "name", flat=True)
    )
    what = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    audit_record(action=AuditEntry.Action.TEAM_CHANGE, actor=actor, obj=instance, request=request, detail={what: names})
