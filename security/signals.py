"""Receivers: every sign-in stamps its session; deactivating a user ends all their sessions.

Deactivation is caught on save rather than in one service because users are deactivated from the admin,
from the shell and from the accounts pages alike (a QuerySet.update() bypasses it; ModelBackend still refuses
an inactive user on every request, so only a later reactivation would be affected)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from security.services import session_generation_raise
from security.sessions import session_start


@receiver(user_logged_in, dispatch_uid="security.session_start")
def _stamp_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(session=request.session, user=user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="security.deactivation_ends_sessions")
def _end_sessions_of_deactivated_user(sender, instance, created, raw=False, **kwargs):
    if not raw and not created and not instance.is_active:
        session_generation_raise(user=instance)
