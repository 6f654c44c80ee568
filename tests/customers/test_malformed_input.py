"""Input nobody types on purpose: numbers in odd scripts, searches of a thousand words, dates at the edge of the
calendar. Each answers with a page or a plain message, never a server error."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Profile
from customers.models import Interaction
from customers.services import interaction_log
from tests.customers._support import committed_db, listed_names, page_text
from tests.factories.accounts import ProfileFactory
from tests.factories.customers import CustomerFactory, InteractionFactory

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("customers:customer-autocomplete")
LIST = reverse("customers:customer-list")
YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)


# Numbers in the query string ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["²", "¹²", "٣x", "1e3", "-1", "99999999999999999999", "9" * 5000])
def test_timeline_page_that_is_not_a_plain_number_shows_the_first_page(client, rep, customer, page):
    # "²".isdigit() is true, int("²") raises
    InteractionFactory(customer=customer, subject="Renewal call")
    client.force_login(rep)

    response = client.get(customer.get_absolute_url(), {"page": page})

    assert response.status_code == 200
    assert "Renewal call" in page_text(response)


@pytest.mark.parametrize("page", ["²", "٣x", "1e3", "-1", "99999999999999999999", "9" * 5000])
@pytest.mark.parametrize("url", ["list", "history"])
def test_list_and_history_pages_that_are_not_a_plain_number_answer(client, rep, customer, page, url):
    client.force_login(rep)
    target = LIST if url == "list" else reverse("customers:customer-history", args=[customer.pk])

    response = client.get(target, {"page": page})

    assert response.status_code == 200


@committed_db
@pytest.mark.parametrize("exclude", ["²", "¹²", "abc", "-3", "99999999999999999999", "9" * 5000])
def test_autocomplete_exclude_that_is_not_a_plain_number_is_ignored(client, rep, customer, exclude):
    client.force_login(rep)

    response = client.get(AUTOCOMPLETE, {"q": "buyer@acme", "exclude": exclude})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [customer.pk]


def test_autocomplete_exclude_number_in_another_script_still_excludes(client, rep, customer):
    # int() reads Arabic-Indic digits as the number a person wrote; only symbols like "²" are refused
    client.force_login(rep)
    arabic = "".join(chr(0x0660 + int(d)) for d in str(customer.pk))

    response = client.get(AUTOCOMPLETE, {"q": "buyer@acme", "exclude": arabic})

    assert response.json()["results"] == []


# Very long searches ---------------------------------------------------------------------------------------------

TEN_WORD_NAME = "Acme Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India"
LONG_SEARCH = " ".join(TEN_WORD_NAME.split() + [f"other{n}" for n in range(979)])  # 989 words


def test_list_search_longer_than_the_limit_shows_a_message_and_no_rows(client, rep, customer):
    client.force_login(rep)

    response = client.get(LIST, {"q": LONG_SEARCH})

    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 8761)." in page_text(response)
    assert listed_names(response) == []


def test_export_search_longer_than_the_limit_is_refused_with_a_message(client, rep, customer):
    client.force_login(rep)

    response = client.get(reverse("customers:customer-export"), {"q": LONG_SEARCH})

    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


@committed_db
def test_autocomplete_search_of_989_words_matches_on_the_first_ten(client, rep):
    # given: InnoDB indexes words only on commit, hence a committed customer
    acme = CustomerFactory(owner=rep, name=TEN_WORD_NAME, email="", phone="")
    client.force_login(rep)

    # when
    response = client.get(AUTOCOMPLETE, {"q": LONG_SEARCH})

    # then: the first ten words are searched, the other 979 narrow no further
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [acme.pk]


@committed_db
def test_list_search_of_exactly_200_characters_is_searched(client, rep):
    acme = CustomerFactory(owner=rep, name=TEN_WORD_NAME, email="", phone="")
    typed = LONG_SEARCH[:200]
    client.force_login(rep)

    response = client.get(LIST, {"q": typed})

    assert response.status_code == 200
    assert listed_names(response) == [acme.name]


# Dates at the edge of the calendar ------------------------------------------------------------------------------


@contextmanager
def _user_zone(user, zone):
    """The user's requests run in `zone`, their own time zone (accounts.middleware activates it)."""
    Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})
    yield


def test_customer_page_shows_an_interaction_dated_year_one_west_of_utc(client, rep, customer):
    # given: a row stored before dates were checked; in Los Angeles, 0001-01-01 00:00 UTC is in year 0
    InteractionFactory(customer=customer, subject="Imported long ago", occurred_at=YEAR_ONE)
    client.force_login(rep)

    # when
    with _user_zone(rep, "America/Los_Angeles"):
        response = client.get(customer.get_absolute_url())

    # then: the page answers, showing the stored time as it is (UTC)
    assert response.status_code == 200
    html = page_text(response)
    assert "Imported long ago" in html
    assert 'datetime="0001-01-01T00:00:00+00:00"' in html


def test_customer_page_shows_an_interaction_dated_year_9999_east_of_utc(client, rep, customer):
    InteractionFactory(
        customer=customer, subject="Far future import", occurred_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    )
    client.force_login(rep)

    with _user_zone(rep, "Asia/Shanghai"):
        response = client.get(customer.get_absolute_url())

    assert response.status_code == 200
    assert "Far future import" in page_text(response)


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo"])
@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "1899-12-31T23:59"])
def test_logging_an_interaction_before_1900_is_refused_with_a_message(client, rep, customer, zone, typed):
    client.force_login(rep)
    data = {"channel": "call", "direction": "outbound", "occurred_at": typed, "subject": "Old call"}

    with _user_zone(rep, zone):
        response = client.post(reverse("customers:interaction-create", args=[customer.pk]), data)

    assert response.status_code == 200
    assert "Enter a date between 1900 and 2100." in page_text(response)
    assert not Interaction.objects.exists()


def test_interaction_service_refuses_dates_outside_1900_to_2100(rep, customer):
    with pytest.raises(ValidationError) as refused:
        interaction_log(
            customer=customer, by=rep, channel="call", direction="outbound", subject="Old call", occurred_at=YEAR_ONE
        )

    assert refused.value.message_dict == {"occurred_at": ["Enter a date between 1900 and 2100."]}
    assert not Interaction.objects.exists()


def test_interaction_on_the_first_day_of_1900_is_accepted(rep, customer):
    interaction = interaction_log(
        customer=customer,
        by=rep,
        channel="call",
        direction="outbound",
        subject="Founding call",
        occurred_at=datetime(1900, 1, 1, tzinfo=UTC),
    )

    assert interaction.pk is not None


def test_customer_page_still_shows_interactions_in_the_users_time_zone(client, rep, customer):
    InteractionFactory(customer=customer, subject="Summer call", occurred_at=datetime(2024, 6, 1, 12, 0, tzinfo=UTC))
    ProfileFactory(user=rep, time_zone="America/Los_Angeles")  # each request runs in its user's zone
    client.force_login(rep)

    response = client.get(customer.get_absolute_url())

    assert 'datetime="2024-06-01T05:00:00-07:00"' in page_text(response)


def test_admin_lists_an_interaction_dated_year_one_west_of_utc(client, administrator, customer):
    InteractionFactory(customer=customer, subject="Imported long ago", occurred_at=YEAR_ONE)
    client.force_login(administrator)

    with _user_zone(administrator, "America/Los_Angeles"):
        response = client.get(reverse("admin:customers_interaction_changelist"))

    assert response.status_code == 200
    assert "Imported long ago" in page_text(response)


def test_admin_opens_an_interaction_dated_year_one_west_of_utc_so_it_can_be_corrected(client, administrator, customer):
    # given: the bad row, opened by an administrator in Los Angeles
    interaction = InteractionFactory(customer=customer, subject="Imported long ago", occurred_at=YEAR_ONE)
    url = reverse("admin:customers_interaction_change", args=[interaction.pk])
    client.force_login(administrator)
    with _user_zone(administrator, "America/Los_Angeles"):
        page = client.get(url)
        # when: the date is corrected
        response = client.post(
            url,
            {
                "customer": customer.pk,
                "channel": "call",
                "direction": "outbound",
                "subject": "Imported long ago",
                "occurred_at_0": "2020-01-01",
                "occurred_at_1": "09:00:00",
                "user": customer.owner_id,
                "_save": "Save",
            },
        )

    # then: the form showed the stored date, and the corrected one was saved
    assert page.status_code == 200
    assert 'value="0001-01-01"' in page_text(page)
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert interaction.occurred_at == datetime(2020, 1, 1, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("model", ["customer", "contact", "interaction", "relationship", "tag"])
def test_admin_search_of_3000_words_answers(client, administrator, customer, model):
    client.force_login(administrator)

    response = client.get(
        reverse(f"admin:customers_{model}_changelist"), {"q": " ".join(f"word{n}" for n in range(3000))}
    )

    assert response.status_code == 200
