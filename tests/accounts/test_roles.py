"""One declared role table, synced after every migrate; reach per domain from permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from accounts import reach, roles
from accounts.roles import ROLE_PERMISSIONS, Role, role_of, sync_roles
from customers.models import Customer
from tests.factories.customers import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _held(name: str) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename")
    }


def test_every_role_group_holds_exactly_its_declared_permissions():
    for name, permissions in ROLE_PERMISSIONS.items():
        assert _held(name) == set(permissions), name


def test_administrator_holds_every_permission_of_every_app():
    assert _held(roles.ADMINISTRATOR) == {
        f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert {"records.view_auditentry", "accounts.change_team", "customers.erase_personal_data"} <= _held(
        roles.ADMINISTRATOR
    )


def test_migrate_puts_a_drifted_group_back_to_the_table():
    group = Group.objects.get(name=roles.SALES_REP)
    group.permissions.add(Permission.objects.get(codename="access_all_customers"))
    group.permissions.remove(Permission.objects.get(codename="view_customer"))

    call_command("migrate", verbosity=0)

    assert _held(roles.SALES_REP) == set(ROLE_PERMISSIONS[roles.SALES_REP])


def test_a_permission_missing_from_the_database_is_an_error(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, roles.MARKETER, ["customers.view_customer", "customers.fly_away"])
    with pytest.raises(ImproperlyConfigured, match="customers.fly_away"):
        sync_roles()


@pytest.mark.parametrize(
    ("role", "label"),
    [
        (roles.SALES_REP, Role.REP),
        (roles.SALES_MANAGER, Role.MANAGER),
        (roles.SUPPORT_AGENT, Role.SUPPORT_AGENT),
        (roles.MARKETER, Role.MARKETER),
        (roles.ADMINISTRATOR, Role.ADMINISTRATOR),
    ],
)
def test_role_label_comes_from_the_permissions_held(role, label):
    assert role_of(UserFactory(role=role)) is label


@pytest.mark.parametrize("role", [roles.SUPPORT_AGENT, roles.SUPPORT_MANAGER, roles.MARKETER])
def test_support_and_marketing_read_every_customer_but_change_none(client, rep, customer, role):
    # given
    reader = UserFactory(role=role)
    client.force_login(reader)
    # when / then: reads reach every customer, writes reach only their own (they own none)
    assert client.get(customer.get_absolute_url()).status_code == 200
    assert "Acme Logistics Ltd" in client.get(reverse("customers:customer-list")).content.decode()
    assert client.get(reverse("customers:customer-update", args=[customer.pk])).status_code == 403
    assert client.post(reverse("customers:customer-delete", args=[customer.pk])).status_code == 403
    assert reach.scope(Customer, user=reader, write=True).count() == 0
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_support_agent_page_shows_no_edit_buttons(client, customer):
    client.force_login(UserFactory(role=roles.SUPPORT_AGENT))
    page = client.get(customer.get_absolute_url()).content.decode()
    assert reverse("customers:customer-update", args=[customer.pk]) not in page


def test_scope_follows_owner_paths_and_relationships_need_both_sides(rep, outsider, manager):
    mine, theirs = CustomerFactory(owner=rep), CustomerFactory(owner=outsider)
    from tests.factories.customers import ContactFactory, RelationshipFactory

    ContactFactory(customer=mine, name="Mine"), ContactFactory(customer=theirs, name="Theirs")
    RelationshipFactory(from_customer=mine, to_customer=theirs)
    from customers.models import Contact, Relationship

    assert list(reach.scope(Contact, user=rep).values_list("name", flat=True)) == ["Mine"]
    assert reach.scope(Relationship, user=rep).count() == 0
    assert reach.scope(Relationship, user=outsider).count() == 0
    assert reach.scope(Customer, user=manager).filter(pk=mine.pk).exists()
    assert not reach.scope(Customer, user=manager).filter(pk=theirs.pk).exists()


def test_inactive_user_reaches_nothing(rep, customer):
    rep.is_active = False
    assert reach.scope(Customer, user=rep).count() == 0
