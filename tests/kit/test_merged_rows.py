"""Rows of several owners read as the merge of each owner's (a manager's list), and rows grouped by stage whose
groups are merged per owner: any slice is the slice of the plain query, in one query for the keys."""

import pytest
from django.db import connection

from crm.kit.rows import GroupedRows, MergedRows
from customers.models import Customer
from tests.factories.customers import CustomerFactory, RepFactory

pytestmark = pytest.mark.django_db

SLICES = [(0, 2), (0, 11), (2, 5), (3, 4), (4, 9), (9, 11), (10, 30), (11, 15)]


@pytest.fixture
def owners():
    reps = [RepFactory(), RepFactory(), RepFactory()]
    for number in range(11):  # the names interleave the owners, and two share a name
        CustomerFactory(owner=reps[number % 3], name=f"Name {number // 2:02d}", tier="AB"[number % 2])
    return [rep.pk for rep in reps]


@pytest.mark.parametrize(("start", "stop"), SLICES)
@pytest.mark.parametrize("order", [("name", "id"), ("-name", "-id")])
def test_any_slice_is_the_slice_of_the_plain_query(owners, start, stop, order):
    plain = Customer.objects.filter(owner__in=owners).order_by(*order)
    expected = [c.pk for c in plain]

    rows = MergedRows(plain, field="owner_id", values=owners)

    assert [c.pk for c in rows[start:stop]] == expected[start:stop]
    assert [c.pk for c in rows.iterator()] == expected and rows.count() == 11


def test_a_slice_is_two_queries_whatever_the_number_of_owners(owners, django_assert_max_num_queries):
    plain = Customer.objects.filter(owner__in=owners).order_by("name", "id")
    rows = MergedRows(plain, field="owner_id", values=owners)

    with django_assert_max_num_queries(2 if connection.features.supports_slicing_ordering_in_compound else 1):
        assert len(rows[3:9]) == 6


@pytest.mark.parametrize(("start", "stop"), SLICES)
def test_groups_merged_per_owner_are_the_groups_in_order(owners, start, stop):
    plain = Customer.objects.filter(owner__in=owners).order_by("name", "id")
    expected = [c.pk for tier in ("B", "A") for c in plain.filter(tier=tier)]

    rows = GroupedRows(plain, field="tier", values=["B", "A"], keys_first=True, merge=("owner_id", owners))

    assert [c.pk for c in rows[start:stop]] == expected[start:stop]
