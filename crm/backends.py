"""Authentication backend: Django's ModelBackend, with a user's permissions read in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q


class OneQueryPermissionsBackend(ModelBackend):
    """Every page checks a permission; ModelBackend reads user and group permissions in two queries, this
    reads both in one (same result, same cache attributes, so has_perm and get_*_permissions still agree)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app}.{codename}"
                for app, codename in perms.values_list("content_type__app_label", "codename").distinct()
            }
        return user_obj._perm_cache

    def get_user(self, user_id):
        # Every request reads the user; the session checks (security.sessions) compare the session with the
        # user's session generation, and accounts.middleware reads their profile: both come in the same query.
        try:
            user = get_user_model()._default_manager.select_related("session_generation", "profile").get(pk=user_id)
        except ObjectDoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
