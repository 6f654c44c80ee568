"""The one-query permission backend answers exactly as Django's ModelBackend does."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from crm.backends import OneQueryPermissionsBackend
from tests.factories.customers import ManagerFactory, RepFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("factory", [RepFactory, ManagerFactory, UserFactory])
def test_permissions_match_model_backend_for_group_and_user_permissions(factory):
    # given a user with group permissions and one permission of their own
    user = factory()
    user.user_permissions.add(Permission.objects.get(codename="view_team"))
    # when / then
    expected = ModelBackend().get_all_permissions(fresh(user))
    assert OneQueryPermissionsBackend().get_all_permissions(fresh(user)) == expected
    assert "accounts.view_team" in expected


def test_permissions_are_read_in_one_query(django_assert_num_queries):
    user = fresh(ManagerFactory())
    with django_assert_num_queries(1):
        assert user.has_perm("customers.access_team_customers")
        assert user.has_perm("customers.view_customer")
        assert not user.has_perm("customers.access_all_customers")


def test_inactive_and_superusers(admin_user):
    inactive = RepFactory(is_active=False)
    assert OneQueryPermissionsBackend().get_all_permissions(fresh(inactive)) == set()
    assert OneQueryPermissionsBackend().get_all_permissions(fresh(admin_user)) == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
