"""The customer list: who sees which customers, search, filters, sorting, pagination and the capped count."""

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.customers._support import committed_db, listed_names, page_text, select_options
from tests.factories.customers import CustomerFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-list")


@pytest.fixture
def book(customer, foreign_customer, rep, teammate, manager, other_manager):
    """Two customers of `rep`, one of `teammate`, one of `manager` (North), two in the South team."""
    vip = TagFactory(name="VIP")
    customer.tier, customer.lifecycle_stage = Customer.Tier.A, Customer.Stage.PROSPECT
    customer.save()
    customer.tags.add(vip)
    CustomerFactory(
        owner=rep,
        name="Birch Bakery",
        email="orders@birch.test",
        phone="+33 1 4000 1111",
        tier=Customer.Tier.B,
        lifecycle_stage=Customer.Stage.CUSTOMER,
    )
    CustomerFactory(
        owner=teammate,
        name="Cobalt Mining",
        email="ops@cobalt.test",
        phone="+61 2 5550 2222",
        tier=Customer.Tier.C,
        lifecycle_stage=Customer.Stage.PROSPECT,
        tags=[vip],
    )
    CustomerFactory(
        owner=manager,
        name="Dune Travel",
        email="desk@dune.test",
        phone="+86 10 6000 3333",
        country="CN",
        city="Beijing",
        tier=Customer.Tier.A,
        lifecycle_stage=Customer.Stage.LEAD,
    )
    foreign_customer.tier, foreign_customer.country = Customer.Tier.A, "CN"
    foreign_customer.lifecycle_stage = Customer.Stage.CUSTOMER
    foreign_customer.save()
    foreign_customer.tags.add(vip)
    CustomerFactory(
        owner=other_manager,
        name="Yew Consulting",
        email="hi@yew.test",
        phone="+1 212 555 4444",
        country="CN",
        tier=Customer.Tier.A,
        lifecycle_stage=Customer.Stage.CUSTOMER,
        tags=[vip],
    )
    return {"vip": vip}


# Who sees what ------------------------------------------------------------------------------------------------


def test_rep_sees_only_own_customers(client, rep, book):
    client.force_login(rep)

    response = client.get(URL)

    assert response.status_code == 200
    assert listed_names(response) == ["Acme Logistics Ltd", "Birch Bakery"]
    assert "2 customers" in page_text(response)


def test_manager_sees_own_and_team_members_customers_but_not_other_teams(client, manager, book):
    client.force_login(manager)

    response = client.get(URL)

    assert listed_names(response) == ["Acme Logistics Ltd", "Birch Bakery", "Cobalt Mining", "Dune Travel"]
    html = page_text(response)
    assert "Zenith Foods GmbH" not in html and "Yew Consulting" not in html


def test_manager_of_other_team_sees_only_that_team(client, other_manager, book):
    client.force_login(other_manager)

    response = client.get(URL)

    assert listed_names(response) == ["Yew Consulting", "Zenith Foods GmbH"]


def test_administrator_sees_every_customer(client, administrator, book):
    client.force_login(administrator)

    response = client.get(URL)

    assert listed_names(response) == [
        "Acme Logistics Ltd",
        "Birch Bakery",
        "Cobalt Mining",
        "Dune Travel",
        "Yew Consulting",
        "Zenith Foods GmbH",
    ]


def test_row_shows_owner_tags_and_location(client, manager, book):
    client.force_login(manager)

    rows = page_text(client.get(URL)).split("<tbody>")[1].split("</tbody>")[0]

    assert "Tom Mate" in rows and "Rita Rep" in rows and "Mona Manager" in rows
    assert ">VIP</span>" in rows
    assert "Beijing<br>" in rows and ">China</span>" in rows


def test_anonymous_user_is_redirected_to_login(client, book):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


# Search ----------------------------------------------------------------------------------------------------------


@committed_db
def test_search_by_word_inside_name_finds_customer(client, rep, book):
    client.force_login(rep)

    response = client.get(URL, {"q": "logis"})

    assert listed_names(response) == ["Acme Logistics Ltd"]


@committed_db
def test_search_by_name_word_does_not_reach_other_owners(client, rep, book):
    client.force_login(rep)

    response = client.get(URL, {"q": "Zenith"})

    assert listed_names(response) == []
    assert "No customers match these filters." in page_text(response)


@committed_db
@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("O'Brien Consulting", "O'Brien"),
        ("L'Oréal Paris", "L'Oréal"),
        ("Coca-Cola Bottlers", "Coca-Cola"),
        ("Rolls-Royce Motors", "royce"),
    ],
)
def test_search_by_name_with_punctuation_finds_customer(client, rep, name, typed):
    # Names as people write them, searched as they would type them.
    CustomerFactory(owner=rep, name=name)
    CustomerFactory(owner=rep, name="Unrelated Holdings")
    client.force_login(rep)

    response = client.get(URL, {"q": typed})

    assert listed_names(response) == [name]


@committed_db
def test_search_by_chinese_name_prefix_finds_customer(client, rep, book):
    CustomerFactory(owner=rep, name="王伟贸易有限公司", email="wang@example.cn", phone="+86 21 5555 0101")
    client.force_login(rep)

    response = client.get(URL, {"q": "王伟"})

    assert listed_names(response) == ["王伟贸易有限公司"]


@committed_db
def test_search_by_email_prefix_ignores_case(client, rep, book):
    client.force_login(rep)

    response = client.get(URL, {"q": "ORDERS@bir"})

    assert listed_names(response) == ["Birch Bakery"]


@committed_db
def test_search_by_phone_finds_number_stored_in_another_format(client, rep, book):
    # given: stored as "+44 20 7946 0001"
    client.force_login(rep)

    # when: typed with brackets and dashes
    response = client.get(URL, {"q": "(44) 20-7946-0001"})

    # then
    assert listed_names(response) == ["Acme Logistics Ltd"]


def test_search_by_phone_prefix_does_not_reach_other_owners(client, rep, book):
    client.force_login(rep)

    response = client.get(URL, {"q": "+49 30 1234"})  # the outsider's customer's number

    assert listed_names(response) == []


# Filters ---------------------------------------------------------------------------------------------------------


def test_owner_filter_shows_that_members_customers(client, manager, teammate, book):
    client.force_login(manager)

    response = client.get(URL, {"owner": teammate.pk})

    assert listed_names(response) == ["Cobalt Mining"]


def test_owner_filter_offers_only_users_in_scope(client, manager, rep, teammate, book):
    client.force_login(manager)

    options = select_options(client.get(URL), "owner")

    assert sorted(options) == sorted(str(u.pk) for u in (manager, rep, teammate))


def test_owner_filter_labels_owners_as_the_table_does(client, manager, book):
    # The table and the customer form name owners by full name; the filter should too.
    client.force_login(manager)

    options = select_options(client.get(URL), "owner")

    assert sorted(options.values()) == ["Mona Manager", "Rita Rep", "Tom Mate"]


def test_tier_filter_shows_that_tier(client, manager, book):
    client.force_login(manager)

    response = client.get(URL, {"tier": "A"})

    assert listed_names(response) == ["Acme Logistics Ltd", "Dune Travel"]


def test_lifecycle_stage_filter_shows_that_stage(client, manager, book):
    client.force_login(manager)

    response = client.get(URL, {"lifecycle_stage": "customer"})

    assert listed_names(response) == ["Birch Bakery"]


def test_tag_filter_shows_tagged_customers_in_scope(client, manager, book):
    client.force_login(manager)

    response = client.get(URL, {"tag": book["vip"].pk})

    assert listed_names(response) == ["Acme Logistics Ltd", "Cobalt Mining"]


@pytest.mark.parametrize("sort", ["name", "-name", "-updated"])
def test_common_tag_checked_row_by_row_lists_the_same_customers(client, manager, book, monkeypatch, sort):
    # given: a tag counted as common, so the list checks each customer's tag instead of sorting the tagged
    client.force_login(manager)
    rare = listed_names(client.get(URL, {"tag": book["vip"].pk, "sort": sort}))
    monkeypatch.setattr("customers.filters.COMMON_TAG", 1)
    # when
    common = listed_names(client.get(URL, {"tag": book["vip"].pk, "sort": sort}))
    # then
    assert common == rare and sorted(common) == ["Acme Logistics Ltd", "Cobalt Mining"]


def test_selected_filters_stay_selected(client, manager, book):
    client.force_login(manager)

    html = client.get(URL, {"country": "CN", "tier": "A"}).content.decode()

    assert '<option value="CN" selected>' in html and '<option value="A" selected>' in html
    assert html.count(" selected>") == 2


def test_country_filter_shows_that_country_in_scope(client, manager, book):
    client.force_login(manager)

    response = client.get(URL, {"country": "CN"})

    assert listed_names(response) == ["Dune Travel"]


def test_filters_combine(client, manager, book):
    client.force_login(manager)

    response = client.get(URL, {"tier": "A", "tag": book["vip"].pk})

    assert listed_names(response) == ["Acme Logistics Ltd"]


def test_owner_outside_scope_shows_error_and_no_rows(client, manager, outsider, book):
    client.force_login(manager)

    response = client.get(URL, {"owner": outsider.pk})

    assert response.status_code == 200
    html = page_text(response)
    assert "Select a valid choice." in html and "is not one of the available choices." in html
    assert listed_names(response) == []
    assert "Zenith Foods GmbH" not in html and "Otto Side" not in html


def test_rep_naming_another_owner_sees_nothing_of_theirs(client, rep, outsider, book):
    client.force_login(rep)

    response = client.get(URL, {"owner": outsider.pk})

    assert response.status_code == 200
    html = page_text(response)
    assert "Zenith Foods GmbH" not in html and "Otto Side" not in html
    assert set(listed_names(response)) <= {"Acme Logistics Ltd", "Birch Bakery"}


def test_unknown_tier_shows_error_and_no_rows(client, rep, book):
    client.force_login(rep)

    response = client.get(URL, {"tier": "Z"})

    assert "Select a valid choice. Z is not one of the available choices." in page_text(response)
    assert listed_names(response) == []


def test_unknown_sort_key_shows_error_and_no_rows(client, rep, book):
    # A sort key the list does not offer (an old bookmark, a tampered link) must not empty the list silently.
    client.force_login(rep)

    response = client.get(URL, {"sort": "password"})

    assert listed_names(response) == []
    assert "password is not one of the available choices" in page_text(response)


# Sorting ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Acme Logistics Ltd", "Birch Bakery", "Cobalt Mining", "Dune Travel"]),
        ("-name", ["Dune Travel", "Cobalt Mining", "Birch Bakery", "Acme Logistics Ltd"]),
        ("tier", ["Acme Logistics Ltd", "Dune Travel", "Birch Bakery", "Cobalt Mining"]),
        ("-tier", ["Cobalt Mining", "Birch Bakery", "Dune Travel", "Acme Logistics Ltd"]),
    ],
)
def test_sort_orders_rows_with_name_as_tie_breaker_in_the_same_direction(client, manager, book, sort, expected):
    client.force_login(manager)

    response = client.get(URL, {"sort": sort})

    assert listed_names(response) == expected


def test_sorted_column_header_links_to_reverse_order(client, manager, book):
    client.force_login(manager)

    html = page_text(client.get(URL, {"sort": "tier", "tier": "A"}))

    assert 'href="?tier=A&sort=-tier"' in html


# Pagination ------------------------------------------------------------------------------------------------------


@pytest.fixture
def thirty(rep):
    for number in range(1, 31):
        CustomerFactory(owner=rep, name=f"Client {number:02d}")


def test_first_page_shows_25_rows_and_page_count(client, rep, thirty):
    client.force_login(rep)

    response = client.get(URL)

    assert listed_names(response) == [f"Client {n:02d}" for n in range(1, 26)]
    assert "Page 1 of 2" in page_text(response)


def test_second_page_shows_the_rest(client, rep, thirty):
    client.force_login(rep)

    response = client.get(URL, {"page": 2})

    assert listed_names(response) == [f"Client {n:02d}" for n in range(26, 31)]
    assert "Page 2 of 2" in page_text(response)


def test_out_of_range_page_shows_last_page(client, rep, thirty):
    client.force_login(rep)

    response = client.get(URL, {"page": 99})

    assert response.status_code == 200
    assert listed_names(response) == [f"Client {n:02d}" for n in range(26, 31)]


def test_page_links_keep_filters_and_sort(client, rep, thirty):
    client.force_login(rep)

    html = page_text(client.get(URL, {"sort": "-name", "tier": "B"}))

    assert 'href="?sort=-name&tier=B&page=2"' in html


# Capped count ----------------------------------------------------------------------------------------------------


def test_count_above_cap_says_more_than_cap(client, rep, settings):
    settings.CUSTOMER_LIST_COUNT_CAP = 5
    CustomerFactory.create_batch(7, owner=rep)
    client.force_login(rep)

    html = page_text(client.get(URL))

    assert "More than 5 customers" in html
    assert "7 customers" not in html


def test_count_at_cap_is_exact(client, rep, settings):
    settings.CUSTOMER_LIST_COUNT_CAP = 5
    CustomerFactory.create_batch(5, owner=rep)
    client.force_login(rep)

    html = page_text(client.get(URL))

    assert "5 customers" in html and "More than" not in html


def test_capped_list_offers_exactly_the_first_cap_rows(client, rep, settings):
    # given: a cap that is not a multiple of the page size, and more customers than the cap
    settings.CUSTOMER_LIST_COUNT_CAP = 30
    for number in range(1, 36):
        CustomerFactory(owner=rep, name=f"Client {number:02d}")
    client.force_login(rep)

    # when: a person pages through the list
    shown = listed_names(client.get(URL)) + listed_names(client.get(URL, {"page": 2}))

    # then: they can reach the first 30 rows, each once
    assert shown == [f"Client {n:02d}" for n in range(1, 31)]
