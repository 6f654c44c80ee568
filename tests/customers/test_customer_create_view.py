"""Creating a customer: validation messages, owner choices, the duplicate warning, and the history entry."""

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.customers._support import page_text, select_options
from tests.factories.customers import CustomerFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-create")


def _form(owner, **overrides) -> dict:
    data = {
        "kind": "company",
        "name": "Nova Robotics",
        "email": "hello@nova.test",
        "phone": "+86 10 8888 1234",
        "address": "1 Century Avenue",
        "city": "Shanghai",
        "country": "CN",
        "industry": "technology",
        "source": "referral",
        "tier": "B",
        "lifecycle_stage": "lead",
        "owner": owner.pk,
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_form_page_renders_for_rep(client, rep):
    client.force_login(rep)

    response = client.get(URL)

    assert response.status_code == 200
    assert "New customer" in page_text(response)


def test_valid_customer_is_created_and_user_sent_to_its_page(client, rep):
    # given
    vip = TagFactory(name="VIP")
    client.force_login(rep)

    # when
    response = client.post(URL, _form(rep, tags=[vip.pk], email="Hello@Nova.TEST"))

    # then
    created = Customer.objects.get(name="Nova Robotics")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.owner == rep
    assert created.email == "hello@nova.test"
    assert created.phone_digits == "861088881234"
    assert list(created.tags.all()) == [vip]
    page = page_text(client.get(response.url))
    assert "Customer “Nova Robotics” was created." in page


def test_creation_is_recorded_in_history_with_the_user(client, rep):
    client.force_login(rep)

    client.post(URL, _form(rep))

    record = Customer.history.get(name="Nova Robotics")
    assert record.history_type == "+"
    assert record.history_user == rep


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        (
            "phone",
            "call me maybe",
            "Enter a phone number using digits, spaces, dashes, brackets and an optional leading +.",
        ),
        ("phone", "12-34", "A phone number has between 6 and 15 digits."),
        ("phone", "+1 2345 6789 0123 4567", "A phone number has between 6 and 15 digits."),
        ("name", "", "This field is required."),
        ("tier", "Z", "Select a valid choice. Z is not one of the available choices."),
        ("tags", "999999", "Select a valid choice. 999999 is not one of the available choices."),
    ],
)
def test_bad_input_rerenders_form_with_message_and_creates_nothing(client, rep, field, value, message):
    TagFactory(name="VIP")  # a real tag to choose from, next to the tampered id
    client.force_login(rep)

    response = client.post(URL, _form(rep, **{field: value}))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Customer.objects.exists()


def test_rep_cannot_assign_another_rep(client, rep, teammate):
    client.force_login(rep)

    response = client.post(URL, _form(teammate))

    assert "Select a valid choice. That choice is not one of the available choices." in page_text(response)
    assert not Customer.objects.exists()


def test_manager_cannot_assign_user_of_another_team(client, manager, outsider):
    client.force_login(manager)

    response = client.post(URL, _form(outsider))

    assert "Select a valid choice. That choice is not one of the available choices." in page_text(response)
    assert not Customer.objects.exists()


def test_manager_can_assign_team_member(client, manager, teammate):
    client.force_login(manager)

    response = client.post(URL, _form(teammate))

    assert response.status_code == 302
    assert Customer.objects.get().owner == teammate


def test_inactive_user_cannot_be_assigned(client, manager, teammate):
    teammate.is_active = False
    teammate.save()
    client.force_login(manager)

    response = client.post(URL, _form(teammate))

    assert "Select a valid choice." in page_text(response)
    assert not Customer.objects.exists()


def test_rep_is_the_only_owner_choice_and_preselected(client, rep):
    client.force_login(rep)

    response = client.get(URL)

    assert select_options(response, "owner") == {str(rep.pk): "Rita Rep"}
    assert f'<option value="{rep.pk}" selected>' in response.content.decode()


def test_manager_owner_choices_are_the_team(client, manager):
    client.force_login(manager)

    options = select_options(client.get(URL), "owner")

    assert sorted(options.values()) == ["Mona Manager", "Rita Rep", "Tom Mate"]


def test_administrator_owner_choices_are_all_active_users(client, administrator, manager, other_manager, outsider):
    client.force_login(administrator)

    options = select_options(client.get(URL), "owner")

    assert {"Otto Side", "Mona Manager", "Rita Rep", "Tom Mate", "Ada Admin"} <= set(options.values())


# Duplicates ------------------------------------------------------------------------------------------------------


def test_same_email_in_other_case_warns_and_creates_nothing(client, rep, customer):
    client.force_login(rep)

    response = client.post(URL, _form(rep, name="Acme Logistics (UK)", email="BUYER@Acme.Test", phone=""))

    html = page_text(response)
    assert response.status_code == 200
    assert "Possible duplicates" in html
    assert f'href="{customer.get_absolute_url()}"' in html and "Acme Logistics Ltd" in html
    assert "Create it anyway: this is a different customer" in html
    assert Customer.objects.count() == 1


def test_same_phone_in_other_format_warns_and_creates_nothing(client, rep, customer):
    client.force_login(rep)

    response = client.post(URL, _form(rep, name="Acme Logistics (UK)", email="", phone="(44) 20-7946-0001"))

    assert "Possible duplicates" in page_text(response)
    assert Customer.objects.count() == 1


def test_confirming_the_duplicate_creates_it(client, rep, customer):
    # given: the warning was shown
    client.force_login(rep)
    data = _form(rep, name="Acme Logistics (UK)", email="buyer@acme.test", phone="")
    client.post(URL, data)

    # when: the user ticks "create it anyway" and submits again
    response = client.post(URL, {**data, "confirm_duplicate": "on"})

    # then
    assert response.status_code == 302
    assert Customer.objects.filter(email="buyer@acme.test").count() == 2


def test_duplicate_checkbox_is_rendered_once(client, rep, customer):
    client.force_login(rep)

    response = client.post(URL, _form(rep, email="buyer@acme.test", phone=""))

    assert response.content.decode().count('name="confirm_duplicate"') == 1


HIDDEN_EMAIL = (
    "A customer record with this email address already exists. Ask an administrator whether it is the same customer."
)
HIDDEN_PHONE = (
    "A customer record with this phone number already exists. Ask an administrator whether it is the same customer."
)
HIDDEN_EITHER = (
    "A customer record with this email address or phone number already exists. Ask an administrator "
    "whether it is the same customer."
)


def test_duplicate_the_user_cannot_reach_is_one_sentence_without_name_owner_or_link(client, rep, foreign_customer):
    client.force_login(rep)

    response = client.post(URL, _form(rep, name="Zenith Foods", email="INFO@zenith.test", phone=""))

    html = page_text(response)
    assert "Possible duplicates" in html
    assert HIDDEN_EMAIL in html
    for detail in (
        "Zenith Foods GmbH",
        foreign_customer.get_absolute_url(),
        "+49 30 1234 5678",
        "Otto",
        "Side",
        "rep.other",
        "another user",
    ):
        assert detail not in html
    assert "Create it anyway: this is a different customer" in html
    assert not Customer.objects.exclude(pk=foreign_customer.pk).exists()


def test_duplicate_phone_the_user_cannot_reach_names_the_phone(client, rep, foreign_customer):
    client.force_login(rep)

    response = client.post(URL, _form(rep, name="Zenith", email="", phone="+49 (30) 1234-5678"))

    assert HIDDEN_PHONE in page_text(response)


def test_several_duplicates_the_user_cannot_reach_are_one_sentence_without_a_count(
    client, rep, outsider, other_manager
):
    # given: three records of two other users, matching the email or the phone
    CustomerFactory(owner=outsider, email="shared@example.com")
    CustomerFactory(owner=outsider, email="shared@example.com")
    CustomerFactory(owner=other_manager, email="", phone="+1 212 555 0100")
    client.force_login(rep)

    # when
    response = client.post(URL, _form(rep, email="shared@example.com", phone="+1 212 555 0100"))

    # then
    html = page_text(response)
    assert html.count(HIDDEN_EITHER) == 1
    assert "<li>" not in html.split('data-testid="duplicates"')[1].split("</div>")[0]
    assert Customer.objects.count() == 3


def test_duplicates_in_reach_are_listed_and_those_out_of_reach_are_one_sentence(client, manager, teammate, outsider):
    # given: the manager reaches the teammate's record, not the other team's
    reachable = CustomerFactory(owner=teammate, name="Shared Teammate Ltd", email="shared@example.com")
    CustomerFactory(owner=outsider, name="Shared Outsider Ltd", email="shared@example.com")
    client.force_login(manager)

    # when
    response = client.post(URL, _form(manager, email="shared@example.com", phone=""))

    # then
    html = page_text(response)
    assert f'href="{reachable.get_absolute_url()}"' in html and "Shared Teammate Ltd" in html
    assert HIDDEN_EMAIL in html
    assert "Shared Outsider Ltd" not in html and "Otto Side" not in html


def test_administrator_sees_every_duplicate_listed_and_no_sentence(client, administrator, foreign_customer):
    client.force_login(administrator)

    response = client.post(URL, _form(administrator, email="info@zenith.test", phone=""))

    html = page_text(response)
    assert "Zenith Foods GmbH" in html
    assert "Ask an administrator" not in html


def test_different_customer_is_created_without_warning(client, rep, customer):
    client.force_login(rep)

    response = client.post(URL, _form(rep))

    assert response.status_code == 302
    assert Customer.objects.count() == 2


def test_anonymous_user_is_redirected_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_many_duplicates_are_listed_at_most_ten(client, administrator):
    CustomerFactory.create_batch(12, email="shared@example.com")
    client.force_login(administrator)

    response = client.post(URL, _form(administrator, email="shared@example.com", phone=""))

    assert page_text(response).count(" · shared@example.com") == 10
    assert Customer.objects.count() == 12


def test_names_outside_latin_survive_the_round_trip(client, rep):
    # utf8mb4 on MySQL/MariaDB: Chinese and four-byte characters are stored and shown unchanged
    client.force_login(rep)

    response = client.post(URL, _form(rep, name="上海咖啡馆 ☕ 🍰 Ltd", email="", phone=""), follow=True)

    assert Customer.objects.get().name == "上海咖啡馆 ☕ 🍰 Ltd"
    assert "上海咖啡馆 ☕ 🍰 Ltd" in page_text(response)
