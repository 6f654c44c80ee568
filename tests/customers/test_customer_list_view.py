"""The customer list: who sees which customers, search, filters, sorting, pagination and the capped count."""

import re
from urllib.parse import parse_qs, urlsplit

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

    filter_bar = html.split('role="search"')[1].split("</form>")[0]
    assert '<option value="CN" selected>' in filter_bar and '<option value="A" selected>' in filter_bar
    assert filter_bar.count(" selected>") == 2


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


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tier": "Z"}, "tier"),
        ({"tag": "abc"}, "tag"),
        ({"lifecycle_stage": "won"}, "lifecycle_stage"),
        ({"not_contacted": "12"}, "not_contacted"),
        ({"created_from": "31/31/2024"}, "created_from"),
    ],
)
def test_invalid_filter_value_shows_its_error_on_its_field_and_neither_rows_nor_count(client, rep, book, params, field):
    client.force_login(rep)

    response = client.get(URL, params)

    html = page_text(response)
    cell = html.split(f'data-filter="{field}"')[1].split("</div>\n    </div>")[0]
    assert "is-invalid" in cell and "invalid-feedback" in cell
    assert listed_names(response) == []
    count = html.split('data-testid="result-count">')[1].split("</span>")[0]
    assert "Correct the filters marked in red" in count and "customer" not in count
    assert "Page 1 of" not in html and "No customers match" not in html


def test_owner_outside_reach_shows_no_count_of_the_other_customers(client, manager, outsider, book):
    # given: a manager reaching four customers names an owner outside their reach
    client.force_login(manager)

    response = client.get(URL, {"owner": outsider.pk, "tier": "A"})

    # then: the error on the owner field, no rows, and no count that would disagree with them
    html = page_text(response)
    assert listed_names(response) == []
    assert "2 customers" not in html and "4 customers" not in html
    assert "Correct the filters marked in red" in html


def test_start_date_after_end_date_is_an_error_on_the_end_date(client, rep, book):
    client.force_login(rep)

    response = client.get(URL, {"created_from": "2025-03-01", "created_to": "2025-02-01"})

    assert "The end date is before the start date." in page_text(response)
    assert listed_names(response) == []


@pytest.mark.parametrize("sort", ["password", "owner_id", "-", "--name", "last_contacted_at"])
def test_unknown_sort_key_falls_back_to_the_default_sort_and_says_so(client, rep, book, sort):
    # A sort key the list does not offer (an old bookmark, a tampered link) must not empty the list silently.
    client.force_login(rep)

    response = client.get(URL, {"sort": sort, "tier": "B"})

    html = page_text(response)
    assert listed_names(response) == ["Birch Bakery"]
    assert "1 customer" in html
    notice = html.split('data-testid="sort-notice">')[1].split("</div>")[0]
    assert f"cannot be sorted by “{sort}”" in notice and "(Name)" in notice
    assert "Select a valid choice" not in html
    # the list's own links (sort headers, export) no longer carry the unknown key
    links = re.findall(
        r'href="([^"]*)"', html.split('role="search"')[0].split("<main")[-1] + html.split('role="search"')[1]
    )
    assert not [link for link in links if sort in parse_qs(urlsplit(link).query).get("sort", [])]
    assert "?tier=B&sort=-name" in links


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


def test_every_row_of_a_list_longer_than_the_cap_is_reached_by_paging(client, rep, settings):
    # given: a cap that is not a multiple of the page size, and more customers than the cap
    settings.CUSTOMER_LIST_COUNT_CAP = 30
    for number in range(1, 61):
        CustomerFactory(owner=rep, name=f"Client {number:02d}")
    client.force_login(rep)

    # when: a person follows Next from the first page
    shown, pages, url = [], [], URL
    while url:
        response = client.get(url)
        html = page_text(response)
        shown += listed_names(response)
        pages.append(re.search(r'aria-current="page"><span class="page-link">([^<]*)<', html).group(1))
        assert "More than 30 customers" in html
        next_link = re.search(r'href="\?([^"]*)" rel="next"', html)
        url = f"{URL}?{next_link.group(1)}" if next_link else ""

    # then: every customer once, in order, the pages numbered without a total
    assert shown == [f"Client {n:02d}" for n in range(1, 61)]
    assert pages == ["Page 1", "Page 2", "Page 3"]


def test_page_past_the_cap_shows_its_rows_and_the_page_number(client, rep, settings):
    # given: 30 rows counted (two pages of 25), 110 customers
    settings.CUSTOMER_LIST_COUNT_CAP = 30
    for number in range(1, 111):
        CustomerFactory(owner=rep, name=f"Client {number:03d}")
    client.force_login(rep)

    response = client.get(URL, {"page": 4})

    html = page_text(response)
    assert listed_names(response) == [f"Client {n:03d}" for n in range(76, 101)]
    assert "More than 30 customers" in html
    assert "Page 4" in html and "Page 4 of" not in html
    assert 'href="?page=5" rel="next"' in html and 'href="?page=3" rel="prev"' in html


def test_last_page_past_the_cap_has_no_next(client, rep, settings):
    settings.CUSTOMER_LIST_COUNT_CAP = 30
    for number in range(1, 56):
        CustomerFactory(owner=rep, name=f"Client {number:02d}")
    client.force_login(rep)

    response = client.get(URL, {"page": 3})

    assert listed_names(response) == [f"Client {n:02d}" for n in range(51, 56)]
    assert 'rel="next"' not in page_text(response)


def test_page_beyond_the_end_of_a_capped_list_shows_the_last_page(client, rep, settings):
    settings.CUSTOMER_LIST_COUNT_CAP = 30
    for number in range(1, 56):
        CustomerFactory(owner=rep, name=f"Client {number:02d}")
    client.force_login(rep)

    response = client.get(URL, {"page": 999_999_999_999})

    assert response.status_code == 200
    assert listed_names(response) == [f"Client {n:02d}" for n in range(51, 56)]
    assert "Page 3" in page_text(response)


def test_deep_page_read_by_its_keys_first_lists_the_same_rows(client, rep, settings, monkeypatch):
    # given: pages past the 10th row read their keys first (as pages past the 1,000th row do)
    settings.CUSTOMER_LIST_COUNT_CAP = 30
    for number in range(1, 61):
        CustomerFactory(owner=rep, name=f"Client {number:02d}", tags=[TagFactory(name=f"T{number % 3}")])
    client.force_login(rep)
    direct = [listed_names(client.get(URL, {"page": p, "sort": "-name"})) for p in (2, 3)]
    monkeypatch.setattr(
        "crm.pagination.CappedPaginator.__init__.__kwdefaults__",
        {"cap": None, "count_queryset": None, "deferred_from": 10},
    )

    # when
    deferred = [listed_names(client.get(URL, {"page": p, "sort": "-name"})) for p in (2, 3)]

    # then
    assert deferred == direct
    assert direct[1] == [f"Client {n:02d}" for n in range(10, 0, -1)]
