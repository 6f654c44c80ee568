"""Password rules that work offline: common passwords dressed up, trivial patterns, the user's own names."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.customers._support import page_text
from tests.factories.customers import PASSWORD

COMMON = "common password with small changes"
TRIVIAL = "too easy to guess"
NAMES = "made of your own names"


def _refusal(password, user=None) -> str:
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    "password",
    [
        "Password123!",
        "P@ssw0rd2026",
        "!!dragon!!2026",
        "monkeymonkey",
        "iloveyou1234",
        "Qwerty123456",
        "sunshine2026!",
        "FOOTBALL1234",
    ],
)
def test_common_passwords_with_digits_symbols_or_leetspeak_are_refused(password):
    assert COMMON in _refusal(password)


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "abcdefghijkl",
        "zyxwvutsrqpo",
        "qwertyuiop12",
        "!!abcdefgh12",
        "asdfghjkl;'#",
        "121212121212",
    ],
)
def test_one_character_repeated_patterns_and_runs_are_refused(password):
    assert TRIVIAL in _refusal(password)


@pytest.mark.parametrize("password", ["Rita.Rep.2026!", "repRITA99!!", "R1t@R3p-2026", "rep.one.rita#1"])
def test_passwords_made_of_the_users_names_are_refused(password):
    user = get_user_model()(username="rep.one", first_name="Rita", last_name="Rep")

    assert NAMES in _refusal(password, user)


def test_names_with_accents_are_recognised_without_them():
    user = get_user_model()(username="rep.emma", first_name="Emma", last_name="Müller")

    assert NAMES in _refusal("MullerEmma2026!", user)


@pytest.mark.parametrize(
    "password",
    [
        "kx7-pq2-mz9w",
        "correct-horse-battery-staple",
        "Tiger lily on the 9th floor",
        "Rita likes green tea at noon",
        "vT4#qLm9!zR2",
        "五月的雨下个不停呀好吧呢",
    ],
)
def test_unpredictable_passwords_are_accepted(password):
    user = get_user_model()(username="rep.one", first_name="Rita", last_name="Rep")

    validate_password(password, user)  # no exception


@pytest.mark.django_db
def test_password_change_page_shows_the_refusal(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Password123!",
            "new_password2": "Password123!",
        },
    )

    assert response.status_code == 200
    assert COMMON in page_text(response)
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)
