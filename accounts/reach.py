"""Which records a user may reach: the one helper every list, page, export, form choice and admin screen asks.

Reach is per domain (customers now; sales, service and marketing as they come). Each domain declares three
permissions, held by role groups through accounts/roles.py:
- `all_perm`: read and change every record of the domain (Administrator);
- `team_perm`: read and change the records of the teams the user manages, and their own (managers);
- `read_all_perm`: read every record, change only their own (support agents reading customers).
Without any of them a user reaches the records they own. An owned model names how to get from it to its owner
(`owner_path = "customer__owner"`) and its domain (`reach_domain = "customers"`); `scope()` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class Domain:
    name: str
    all_perm: str
    team_perm: str
    read_all_perm: str | None = None


DOMAINS: dict[str, Domain] = {}


def register_domain(domain: Domain) -> None:
    """Called from an app's AppConfig.ready(): the app's records are reached through these permissions."""
    DOMAINS[domain.name] = domain


def team_member_ids(user: AbstractBaseUser) -> list[int]:
    """The user and the members of every team they manage (one query, cached on the user object)."""
    cached = getattr(user, "_crm_team_ids", None)
    if cached is None:
        from accounts.models import Team

        members = Team.members.through.objects.filter(team__manager=user).values_list("user_id", flat=True)
        cached = user._crm_team_ids = sorted({user.pk, *members})
    return cached


def owner_ids(user: AbstractBaseUser, *, domain: str, write: bool = False) -> list[int] | None:
    """Ids of the users whose records of `domain` `user` may read (or change, with write=True); None for all."""
    if not user.is_authenticated or not user.is_active:
        return []
    spec = DOMAINS[domain]
    if user.is_superuser or user.has_perm(spec.all_perm):
        return None
    if not write and spec.read_all_perm and user.has_perm(spec.read_all_perm):
        return None
    if user.has_perm(spec.team_perm):
        return team_member_ids(user)
    return [user.pk]


def owner_condition(model: type[Model], owners: list[int], path: str | tuple[str, ...] | None = None) -> Q:
    """The filter "owned by one of `owners`" along the model's owner path(s); several paths must all hold."""
    paths = path or model.owner_path
    condition = Q()
    for each in (paths,) if isinstance(paths, str) else paths:
        condition &= Q(**{f"{each}__in": owners})
    return condition


def scope(
    queryset: QuerySet | type[Model],
    *,
    user: AbstractBaseUser,
    write: bool = False,
    path: str | tuple[str, ...] | None = None,
) -> QuerySet:
    """The rows of `queryset` (or of a model's default manager) that `user` may read, or change with write=True.

    `path` overrides the model's `owner_path`; a tuple of paths means every one must be reachable (a
    relationship is reached when both of its customers are).
    """
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    owners = owner_ids(user, domain=queryset.model.reach_domain, write=write)
    return queryset if owners is None else queryset.filter(owner_condition(queryset.model, owners, path))


def get_for(queryset: QuerySet | type[Model], *, user: AbstractBaseUser, write: bool = False, **lookup: Any):
    """One row within the user's reach; Http404 otherwise (outside reach looks exactly like missing)."""
    return get_object_or_404(scope(queryset, user=user, write=write), **lookup)


def can_reach(obj: Model, *, user: AbstractBaseUser, write: bool = False) -> bool:
    """Whether `user` reaches an already loaded object, answered without a query where its owner ids are loaded."""
    owners = owner_ids(user, domain=type(obj).reach_domain, write=write)
    if owners is None:
        return True
    paths = obj.owner_path if isinstance(obj.owner_path, tuple) else (obj.owner_path,)
    reachable = set(owners)
    for path in paths:
        *hops, last = path.split("__")
        target = obj
        for hop in hops:
            target = getattr(target, hop)
        if getattr(target, f"{last}_id") not in reachable:
            return False
    return True


def check(obj: Model, *, user: AbstractBaseUser, write: bool = True) -> None:
    """For services: refuse (PermissionDenied) an object the acting user does not reach. Imports, tasks and the
    admin call the same services as the pages, so the check lives where the write is."""
    if obj.pk is not None and not scope(type(obj)._base_manager.filter(pk=obj.pk), user=user, write=write).exists():
        raise PermissionDenied(f"{type(obj)._meta.verbose_name} {obj.pk} is outside the reach of {user}.")
