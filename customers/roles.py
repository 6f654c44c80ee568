"""The three roles and what each may see: the one place that decides whose customers a user reaches."""
from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SALES_REP = "Sales rep"
SALES_MANAGER = "Sales manager"
ADMINISTRATOR = "Administrator"
ACCESS_ALL = "customers.access_all_customers"
ACCESS_TEAM = "customers.access_team_customers"


class Role(Enum):
    REP = SALES_REP
    MANAGER = SALES_MANAGER
    ADMINISTRATOR = ADMINISTRATOR

    @property
    def label(self) -> str:
        return str({Role.REP: _("Sales rep"), Role.MANAGER: _("Sales manager"),
                    Role.ADMINISTRATOR: _("Administrator")}[self])


def role_of(user: AbstractBaseUser) -> Role:
    """The widest role the user holds; a signed-in user in no role group reaches only their own records."""
    cached = getattr(user, "_crm_role", None)
    if cached is not None:
        return cached
    # Roles are groups; what a role reaches is a permission the group holds (see migration 0003), so this
    # reads the permission cache that the view's permission check has already filled: no extra query.
    if user.is_superuser or user.has_perm(ACCESS_ALL):
        role = Role.ADMINISTRATOR
    elif user.has_perm(ACCESS_TEAM):
        role = Role.MANAGER
    else:
        role = Role.REP
    user._crm_role = role
    return role


def visible_owner_ids(user: AbstractBaseUser) -> list[int] | None:
    """Ids of the users whose records `user` may reach, or None for everybody (administrators)."""
    cached = getattr(user, "_crm_owner_ids", False)
    if cached is not False:
        return cached
    role = role_of(user)
    if role is Role.ADMINISTRATOR:
        ids = None
    elif role is Role.MANAGER:
        from customers.models import Team

        member_ids = Team.members.through.objects.filter(team__manager=user).values_list("user_id", flat=True)
        ids = sorted({user.pk, *member_ids})
    else:
        ids = [user.pk]
    user._crm_owner_ids = ids
    return ids
