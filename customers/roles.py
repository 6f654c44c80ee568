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


class Role(Enum):
    REP = SALES_REP
    MANAGER = SALES_MANAGER
    ADMINISTRATOR = ADMINISTRATOR

    @property
    def label(self) -> str:
        return str({Role.REP: _("Sales rep"), Role.MANAGER: _("Sales manager"),
                    Role.ADMINISTRATOR: _("Administrator")}[self])


def role_of(user: AbstractBaseUser) -> Role:
    """The widest role the user holds; a signed-in user in no group is treated as a rep (own records only)."""
    cached = getattr(user, "_crm_role", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        role = Role.ADMINISTRATOR
    else:
        names = set(user.groups.values_list("name", flat=True))
        if ADMINISTRATOR in names:
            role = Role.ADMINISTRATOR
        elif SALES_MANAGER in names:
            role = Role.MANAGER
        else:
            role = Role.REP
    user._crm_role = role  # one query per request, however many times the role is asked
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
