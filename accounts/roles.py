"""The roles, declared once: which permissions each role group holds.

`ROLE_PERMISSIONS` is the one table. Every app adds its lines here when it adds models; after each `migrate`
the groups are set to exactly this table (Administrator: every permission of every installed app), so no
role can miss a new app's permissions and no permission lingers in a group after it leaves the table.
What a role *reaches* (own, team's or all records of a domain) is itself a permission in this table; see
accounts/reach.py.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SALES_REP = "Sales rep"
SALES_MANAGER = "Sales manager"
SUPPORT_AGENT = "Support agent"
SUPPORT_MANAGER = "Support manager"
MARKETER = "Marketer"
ADMINISTRATOR = "Administrator"


def _crud(app: str, *models: str, actions: tuple[str, ...] = ("view", "add", "change", "delete")) -> list[str]:
    return [f"{app}.{action}_{model}" for model in models for action in actions]


# Customers: a rep works on their own customers and everything hanging off them.
_CUSTOMER_WORK = [
    *_crud("customers", "customer", "contact", "interaction", "relationship"),
    "customers.view_tag",
    "customers.view_historicalcustomer",
    "customers.view_historicalcontact",
    "customers.view_historicalinteraction",
    "customers.view_historicalrelationship",
]
# Reading customers without working on them (support, marketing): every customer, changes to none.
_CUSTOMER_READING = [
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_interaction",
    "customers.view_relationship",
    "customers.view_tag",
    "customers.read_all_customers",
]

# Sales: a rep works their own opportunities (with their quotes), tasks and their customers' orders, and sells from
# the catalogue.
_SALES_WORK = [
    *_crud("sales", "opportunity", "quote", "order", "task"),
    "sales.view_product",
    "sales.view_stage",
    "sales.view_historicalopportunity",
    "sales.view_historicalquote",
    "sales.view_historicalorder",
    "sales.view_historicalproduct",
    "sales.view_historicaltask",
    "sales.view_quota",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SALES_REP: [*_CUSTOMER_WORK, *_SALES_WORK, "accounts.view_team"],
    SALES_MANAGER: [
        *_CUSTOMER_WORK,
        *_SALES_WORK,
        "sales.add_product",
        "sales.change_product",
        "sales.access_team_sales",
        # Managers set their team members' monthly quotas (sales.services.quotas).
        *_crud("sales", "quota", actions=("add", "change", "delete")),
        "sales.view_historicalquota",
        "accounts.view_team",
        "customers.add_tag",
        "customers.change_tag",
        "customers.access_team_customers",
    ],
    # A support agent reads every customer (to answer anyone who writes in) and changes none of them;
    # the service app will add its tickets here, reached as their own.
    SUPPORT_AGENT: [*_CUSTOMER_READING, "customers.add_interaction"],
    SUPPORT_MANAGER: [*_CUSTOMER_READING, "customers.add_interaction", "accounts.view_team"],
    # A marketer reads customers and tags to build audiences; the marketing app will add its campaigns here.
    MARKETER: [*_CUSTOMER_READING],
}


class Role(Enum):
    ADMINISTRATOR = ADMINISTRATOR
    MANAGER = SALES_MANAGER
    SUPPORT_MANAGER = SUPPORT_MANAGER
    MARKETER = MARKETER
    REP = SALES_REP
    SUPPORT_AGENT = SUPPORT_AGENT
    NONE = ""

    @property
    def label(self) -> str:
        return str(
            {
                Role.ADMINISTRATOR: _("Administrator"),
                Role.MANAGER: _("Sales manager"),
                Role.SUPPORT_MANAGER: _("Support manager"),
                Role.MARKETER: _("Marketer"),
                Role.REP: _("Sales rep"),
                Role.SUPPORT_AGENT: _("Support agent"),
                Role.NONE: _("No role"),
            }[self]
        )


def is_administrator(user: AbstractBaseUser) -> bool:
    """Superusers and members of the Administrator group (who hold every reach-all permission)."""
    from accounts.reach import DOMAINS

    return bool(user.is_superuser or (DOMAINS and all(user.has_perm(d.all_perm) for d in DOMAINS.values())))


def role_of(user: AbstractBaseUser) -> Role:
    """The widest role whose permissions the user holds, read from the permission cache (no extra query)."""
    cached = getattr(user, "_crm_role", None)
    if cached is not None:
        return cached
    role = Role.NONE
    if is_administrator(user):
        role = Role.ADMINISTRATOR
    else:
        held = user.get_all_permissions() if user.is_authenticated else set()
        # The most specific role first: a support agent also holds everything a marketer does.
        for name in sorted(ROLE_PERMISSIONS, key=lambda n: -len(set(ROLE_PERMISSIONS[n]))):
            if set(ROLE_PERMISSIONS[name]) <= held:
                role = Role(name)
                break
    user._crm_role = role
    return role


def sync_roles(Group=None, Permission=None) -> None:
    """Create the role groups and set each to exactly its declared permissions (idempotent).

    Raises ImproperlyConfigured when the table names a permission that does not exist.
    """
    if Group is None or Permission is None:
        from django.contrib.auth.models import Group, Permission

    index = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for name, names in ROLE_PERMISSIONS.items():
        missing = sorted(set(names) - set(index))
        if missing:
            raise ImproperlyConfigured(f"accounts.roles: role {name!r} names unknown permissions: {missing}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([index[n] for n in set(names)])
    admin_group, _created = Group.objects.get_or_create(name=ADMINISTRATOR)
    admin_group.permissions.set(list(index.values()))


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: once the last app has had its permissions created, sync the role groups."""
    from django.apps import apps

    # post_migrate goes to each app with a models module, in INSTALLED_APPS order.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        sync_roles()
