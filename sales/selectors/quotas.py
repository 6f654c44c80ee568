"""Reads for the quotas page: whose quotas a user sets, and the quotas of a month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts import reach
from accounts.models import Team
from accounts.roles import SALES_MANAGER, SALES_REP
from sales.models import Quota

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

User = get_user_model()


def quota_reps_for(*, user: AbstractBaseUser) -> QuerySet:
    """The active salespeople whose quotas `user` sets: every member of the teams they manage (not themselves:
    their own quota is set above them), or, for those reaching every sales record (administrators), everyone in a
    sales role or a team. Sorted by name."""
    people = User.objects.filter(is_active=True)
    if reach.owner_ids(user, domain="sales", write=True) is None:
        people = people.filter(
            Q(groups__name__in=[SALES_REP, SALES_MANAGER]) | Q(teams__isnull=False) | Q(managed_teams__isnull=False)
        )
    else:
        people = people.filter(teams__manager=user).exclude(pk=user.pk)
    return (
        User.objects.filter(pk__in=people.values("pk"))
        .order_by("first_name", "last_name", "username")
        .only("pk", "username", "first_name", "last_name")
    )


def quotas_of_month(*, month: date, rep_ids: list[int]) -> dict[int, Quota]:
    """The quotas of `month` (its first day) of these salespeople, by salesperson."""
    return {quota.rep_id: quota for quota in Quota.objects.filter(month=month, rep_id__in=rep_ids)}


def team_names_of(*, rep_ids: list[int]) -> dict[int, list[str]]:
    """The names of the teams each of these people is a member of."""
    names: dict[int, list[str]] = defaultdict(list)
    memberships = Team.members.through.objects.filter(user_id__in=rep_ids).order_by("team__name")
    for user_id, name in memberships.values_list("user_id", "team__name"):
        names[user_id].append(name)
    return dict(names)
