"""The customer list's second set of filters and sorts: source, industry, created between, not contacted in N days,
last contacted, owner name; and the score column, shown only when a customer on the page has a score."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from tests.customers._support import listed_names, page_text, select_options
from tests.factories.customers import CustomerFactory, RepFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-list")
NOW = timezone.now()


@pytest.fixture
def book(rep):
    """Four customers of `rep` with a source, an industry, a creation time and a last contact each."""
    rows = [
        ("Alder Media", "website", "media", 400, 2),
        ("Birch Bakery", "referral", "retail", 100, 45),
        ("Cobalt Mining", "website", "energy", 20, None),
        ("Dune Travel", "event", "hospitality", 5, 200),
    ]
    for name, source, industry, created_days, contacted_days in rows:
        customer = CustomerFactory(owner=rep, name=name, source=source, industry=industry)
        Customer.all_objects.filter(pk=customer.pk).update(
            created_at=NOW - timedelta(days=created_days),
            last_contacted_at=None if contacted_days is None else NOW - timedelta(days=contacted_days),
        )


def _names(client, **params):
    return listed_names(client.get(URL, params))


def test_source_and_industry_filters(client, rep, book):
    client.force_login(rep)

    assert _names(client, source="website") == ["Alder Media", "Cobalt Mining"]
    assert _names(client, industry="retail") == ["Birch Bakery"]
    assert _names(client, source="website", industry="energy") == ["Cobalt Mining"]


def test_source_and_industry_offer_every_choice(client, rep, book):
    client.force_login(rep)

    assert "Referral" in select_options(client.get(URL), "source").values()
    assert len(select_options(client.get(URL), "industry")) == len(Customer.Industry.choices)


def test_created_between_two_dates_includes_both_days(client, rep, book):
    client.force_login(rep)
    day = timezone.localdate()

    assert _names(client, created_from=str(day - timedelta(days=30))) == ["Cobalt Mining", "Dune Travel"]
    assert _names(client, created_to=str(day - timedelta(days=30))) == ["Alder Media", "Birch Bakery"]
    assert _names(client, created_from=str(day - timedelta(days=100)), created_to=str(day - timedelta(days=20))) == [
        "Birch Bakery",
        "Cobalt Mining",
    ]


def test_created_dates_are_days_in_the_users_time_zone(client, rep, settings):
    # given: a customer created at 23:30 on 1 March in Shanghai (15:30 UTC)
    settings.TIME_ZONE = "Asia/Shanghai"
    customer = CustomerFactory(owner=rep, name="Late Shanghai")
    created = datetime(2025, 3, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    Customer.all_objects.filter(pk=customer.pk).update(created_at=created)
    client.force_login(rep)

    assert _names(client, created_from="2025-03-01", created_to="2025-03-01") == ["Late Shanghai"]
    assert _names(client, created_from="2025-03-02") == []


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("30", ["Birch Bakery", "Cobalt Mining", "Dune Travel"]),
        ("90", ["Cobalt Mining", "Dune Travel"]),
        ("365", ["Cobalt Mining"]),
        ("never", ["Cobalt Mining"]),
    ],
)
def test_not_contacted_in_n_days_includes_the_never_contacted(client, rep, book, days, expected):
    client.force_login(rep)

    assert _names(client, not_contacted=days) == expected


def test_not_contacted_offers_days_and_never(client, rep, book):
    client.force_login(rep)

    options = select_options(client.get(URL), "not_contacted")

    assert options == {
        "7": "7 days",
        "30": "30 days",
        "90": "90 days",
        "180": "180 days",
        "365": "365 days",
        "never": "Never contacted",
    }


def test_last_contacted_sort_puts_never_first_ascending_and_last_descending(client, rep, book):
    client.force_login(rep)

    assert _names(client, sort="last_contacted") == ["Cobalt Mining", "Dune Travel", "Birch Bakery", "Alder Media"]
    assert _names(client, sort="-last_contacted") == ["Alder Media", "Birch Bakery", "Dune Travel", "Cobalt Mining"]


@pytest.fixture
def owners(manager, rep, teammate):
    """Customers of three owners whose names sort differently from their ids."""
    zed = RepFactory(username="zz.first", first_name="Aaron", last_name="Zed")  # newest user, first by name
    TeamFactory(name="Extra", manager=manager, members=[zed])
    for owner, names in ((rep, ["Rita 2", "Rita 1"]), (teammate, ["Tom 1"]), (zed, ["Aaron 2", "Aaron 1"])):
        for name in names:
            CustomerFactory(owner=owner, name=name, tier="A" if name.endswith("1") else "B")


def test_owner_sort_lists_owners_by_name_then_their_customers_by_name(client, manager, owners):
    client.force_login(manager)

    assert _names(client, sort="owner") == ["Aaron 1", "Aaron 2", "Rita 1", "Rita 2", "Tom 1"]
    assert _names(client, sort="-owner") == ["Tom 1", "Rita 2", "Rita 1", "Aaron 2", "Aaron 1"]


def test_owner_sort_pages_across_owners_without_repeating_or_skipping(client, manager, owners, monkeypatch):
    monkeypatch.setattr("customers.views.CustomerListView.paginate_by", 2)
    client.force_login(manager)

    pages = [_names(client, sort="owner", page=page) for page in (1, 2, 3)]

    assert pages == [["Aaron 1", "Aaron 2"], ["Rita 1", "Rita 2"], ["Tom 1"]]


def test_owner_sort_with_a_filter_keeps_the_filter(client, manager, owners):
    client.force_login(manager)

    assert _names(client, sort="owner", tier="A") == ["Aaron 1", "Rita 1", "Tom 1"]


def test_owner_sort_reads_a_page_within_one_owner_in_as_few_queries_as_other_sorts(
    client, manager, owners, monkeypatch
):
    # A page reads the owners (their ids, then their names) and each owner it spans (their rows and tags); a page
    # inside one owner's customers, the usual case when owners have more customers than a page shows, reads one
    # query more than the list's budget of 10.
    monkeypatch.setattr("customers.views.CustomerListView.paginate_by", 2)
    client.force_login(manager)
    client.get(URL, {"sort": "owner"})

    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"sort": "owner"})

    assert len(queries) <= 11, "\n".join(q["sql"] for q in queries.captured_queries)


def test_owner_column_header_sorts_by_owner(client, manager, owners):
    client.force_login(manager)

    html = page_text(client.get(URL, {"sort": "owner"}))

    assert '<a href="?sort=-owner">Owner ▲' in html


def test_score_column_is_hidden_while_no_customer_on_the_page_has_a_score(client, rep, book):
    client.force_login(rep)

    html = page_text(client.get(URL))

    assert ">Score</th>" not in html and "col-score" not in html


def test_score_column_shows_when_a_customer_on_the_page_has_one(client, rep, book):
    Customer.objects.filter(name="Birch Bakery").update(score=72.5)
    client.force_login(rep)

    html = page_text(client.get(URL))

    assert ">Score</th>" in html and html.count("text-end col-score") == 4
    assert ">72.50</td>" in html


def test_customer_page_shows_score_only_when_there_is_one(client, rep, customer):
    client.force_login(rep)

    assert ">Score<" not in page_text(client.get(customer.get_absolute_url()))

    Customer.objects.filter(pk=customer.pk).update(score=64)
    assert ">Score<" in page_text(client.get(customer.get_absolute_url()))
