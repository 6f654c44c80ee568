"""The demo sign-ins: users in each role and their teams, for `manage.py seed_demo` (customers/demo.py seeds
the customers they own)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import Team
from accounts.roles import ADMINISTRATOR, SALES_MANAGER, SALES_REP

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ADMIN = "admin"

# username, first name, last name, role, team
DEMO_USERS = [
    ("admin", "Ada", "Admin", ADMINISTRATOR, None),
    ("manager.north", "Li", "Na", SALES_MANAGER, "North"),
    ("manager.south", "Sofia", "Garcia", SALES_MANAGER, "South"),
    ("rep.wang", "Wang", "Wei", SALES_REP, "North"),
    ("rep.chen", "Chen", "Jing", SALES_REP, "North"),
    ("rep.oliver", "Oliver", "Smith", SALES_REP, "North"),
    ("rep.emma", "Emma", "Müller", SALES_REP, "South"),
    ("rep.lucas", "Lucas", "Martin", SALES_REP, "South"),
    ("rep.zhao", "Zhao", "Lei", SALES_REP, "South"),
]


def demo_admin_password() -> str:
    """The published demo password while debugging; otherwise a random one, so that a demo reachable by others
    never has an administrator with a password printed in the README."""
    return DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)


def demo_admin_unpublish(*, password: str) -> bool:
    """If the demo administrator still has the published password, give them `password`. Returns whether it
    did (a demo first seeded while debugging, then served with debugging off)."""
    admin = get_user_model().objects.filter(username=DEMO_ADMIN).first()
    if admin is None or not admin.check_password(DEMO_PASSWORD):
        return False
    admin.set_password(password)
    admin.save(update_fields=["password"])
    return True


def ensure_demo_users(*, admin_password: str | None = None) -> dict[str, list]:
    """Create the demo users, their groups and the two teams (idempotent). Returns users by role.

    The administrator gets `admin_password` (default: demo_admin_password()); everyone else DEMO_PASSWORD."""
    User = get_user_model()
    by_role: dict[str, list] = {SALES_REP: [], SALES_MANAGER: [], ADMINISTRATOR: []}
    teams: dict[str, Team] = {}  # DEMO_USERS names each team's manager before its reps
    for username, first, last, role, team_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": role == ADMINISTRATOR,
                "is_superuser": username == "admin",
            },
        )
        if created:
            if username == DEMO_ADMIN:
                user.set_password(admin_password or demo_admin_password())
            else:
                user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        by_role[role].append(user)
        if role == SALES_MANAGER:
            teams[team_name], _ = Team.objects.get_or_create(name=f"{team_name} team", defaults={"manager": user})
        elif role == SALES_REP:
            teams[team_name].members.add(user)
    return by_role
