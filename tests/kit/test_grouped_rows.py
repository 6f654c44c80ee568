"""Rows grouped by a column in a given order (the customer list's owner sort), read group by group."""

import pytest
from django.db import connection

from crm.kit.rows import GroupedRows
from customers.models import Customer
from tests.factories.customers import CustomerFactory, RepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grouped():
    owners = [RepFactory(), RepFactory(), RepFactory(), RepFactory()]
    sizes = [3, 0, 4, 2]  # an owner without customers is passed over
    for owner, size in zip(owners, sizes, strict=True):
        for number in range(size):
            CustomerFactory(owner=owner, name=f"{owner.username} {number}")
    order = [owners[2].pk, owners[1].pk, owners[0].pk, owners[3].pk]
    rows = GroupedRows(Customer.objects.order_by("name", "id"), field="owner_id", values=order)
    expected = [c.name for pk in order for c in Customer.objects.filter(owner_id=pk).order_by("name", "id")]
    return rows, expected


@pytest.mark.parametrize(("start", "stop"), [(0, 2), (0, 9), (2, 5), (3, 4), (4, 7), (7, 9), (8, 20), (9, 12)])
def test_any_slice_is_the_slice_of_the_whole_order(grouped, start, stop):
    rows, expected = grouped

    assert [c.name for c in rows[start:stop]] == expected[start:stop]


def test_iterating_reads_every_row_in_order(grouped):
    rows, expected = grouped

    assert [c.name for c in rows.iterator(chunk_size=2)] == expected
    assert rows.count() == len(expected) == 9


def test_a_slice_within_one_group_is_one_query(grouped, django_assert_num_queries):
    rows, expected = grouped

    with django_assert_num_queries(1):
        assert [c.name for c in rows[0:3]] == expected[0:3]


@pytest.mark.parametrize(("start", "stop"), [(0, 2), (0, 9), (2, 5), (3, 4), (4, 7), (7, 9), (8, 20), (9, 12)])
@pytest.mark.parametrize("order", [("name", "id"), ("-name", "-id")])
def test_keys_first_slices_are_the_same_slices(grouped, start, stop, order):
    rows, _expected = grouped
    ordered = rows.queryset.order_by(*order)
    expected = [c.name for pk in rows.values for c in ordered.filter(owner_id=pk)]
    keys_first = GroupedRows(ordered, field="owner_id", values=rows.values, keys_first=True)

    assert [c.name for c in keys_first[start:stop]] == expected[start:stop]


def test_keys_first_reads_a_slice_across_every_group_in_two_queries(grouped, django_assert_max_num_queries):
    rows, expected = grouped
    keys_first = GroupedRows(rows.queryset, field="owner_id", values=rows.values, keys_first=True)

    with django_assert_max_num_queries(2 if connection.features.supports_slicing_ordering_in_compound else 12):
        assert [c.name for c in keys_first[1:9]] == expected[1:9]
