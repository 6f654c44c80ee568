"""Template context every page needs for the navigation bar."""

from django.http import HttpRequest

from accounts.roles import role_of
from accounts.selectors import profile_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_role": role_of(user),
        "can_read_audit": user.has_perm("records.view_auditentry"),
        # The profile comes with the request's user (crm.backends): the bell costs no query.
        "unread_notifications": profile_of(user).unread_notifications,
    }
