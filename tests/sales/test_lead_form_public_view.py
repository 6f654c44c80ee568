"""The public web-to-lead form and its abuse cases: anyone may open and send it (no sign-in), a good submission
lands on the thank-you page; missing fields, oversize input, a filled honeypot, rapid repeats, a missing or altered
token, another site's Origin and unknown or inactive keys each store nothing and answer as they should."""

import logging
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from customers.models import Contact, Customer, Interaction
from sales.forms.leads import TOKEN_SALT
from sales.services.leads import lead_form_regenerate_key
from tests.customers._support import page_text
from tests.factories.customers import CustomerFactory
from tests.factories.leads import LeadFormFactory
from tests.sales._leads import VALID, form_url, open_form, send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """The limit per address and the used tokens are counted in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lead_form(manager, rep, teammate):
    """The North team's form (reps `rep` and `teammate`)."""
    return LeadFormFactory(team=rep.teams.get(), name="Website", thank_you_message="Thanks! We call back today.")


def stored() -> dict:
    """What a submission could have written."""
    return {
        "customers": Customer.all_objects.count(),
        "contacts": Contact.all_objects.count(),
        "interactions": Interaction.all_objects.count(),
        "notifications": Notification.objects.count(),
    }


NOTHING = {"customers": 0, "contacts": 0, "interactions": 0, "notifications": 0}


# Opening and sending ----------------------------------------------------------------------------------------------


def test_anyone_opens_the_form_without_signing_in(client, lead_form):
    response = client.get(form_url(lead_form))

    html = page_text(response)
    assert response.status_code == 200
    for field in ("name", "company", "email", "phone", "message", "website", "form_token"):
        assert f'name="{field}"' in html
    assert "Contact us" in html
    assert 'maxlength="200"' in html and 'maxlength="5000"' in html
    assert "no-store" in response["Cache-Control"]  # each rendering carries its own token
    assert "navbar" not in html and "Customers" not in html  # none of the CRM's navigation


@pytest.mark.parametrize("user_kind", ["rep", "manager", "administrator"])
def test_signed_in_users_see_the_same_public_form(client, request, lead_form, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(form_url(lead_form))

    assert response.status_code == 200 and "Contact us" in page_text(response)
    assert "navbar" not in page_text(response)


def test_a_good_submission_makes_a_lead_and_lands_on_the_thank_you_page(
    client, lead_form, rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, lead_form, {"company": "Roe Widgets Ltd"})

    assert response.status_code == 302 and response.url == form_url(lead_form, "leads:form-thanks")
    customer = Customer.objects.get()
    assert (customer.name, customer.lifecycle_stage, customer.owner) == ("Roe Widgets Ltd", "lead", rep)
    assert customer.interactions.get().summary == VALID["message"]
    assert Notification.objects.get().recipient == rep
    thanks = client.get(response.url)
    assert thanks.status_code == 200 and "Thanks! We call back today." in page_text(thanks)


def test_the_standard_thank_you_is_shown_when_the_form_has_none(client, manager, rep):
    lead_form = LeadFormFactory(team=rep.teams.get(), thank_you_message="")

    response = client.get(form_url(lead_form, "leads:form-thanks"))

    assert "We have received your message and will get back to you soon." in page_text(response)


def test_a_known_email_links_to_the_customer_and_makes_no_duplicate(client, lead_form, customer):
    response = send(client, lead_form, {"email": "Buyer@ACME.test", "name": "Someone New"})

    assert response.status_code == 302
    assert Customer.objects.count() == 1
    assert "Name: Someone New" in customer.interactions.get().summary
    assert Notification.objects.get().recipient == customer.owner


def test_the_language_asked_for_is_kept_to_the_thank_you_page(client, lead_form):
    page = client.get(form_url(lead_form) + "?lang=zh-hans")
    assert '<html lang="zh-hans">' in page_text(page)
    assert f'action="{form_url(lead_form)}?lang=zh-hans"' in page_text(page)

    response = client.post(form_url(lead_form) + "?lang=zh-hans", {**VALID, "form_token": page.context["token"]})

    assert response.url == form_url(lead_form, "leads:form-thanks") + "?lang=zh-hans"
    assert '<html lang="zh-hans">' in page_text(client.get(response.url))


def test_the_browsers_language_is_followed_without_lang(client, lead_form):
    response = client.get(form_url(lead_form), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert '<html lang="zh-hans">' in page_text(response)


# Missing and oversize input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "company": ""}, "name", "Enter your name or your company's name."),
        ({"email": "", "phone": ""}, "email", "Enter an email address or a phone number, so that we can answer you."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number using digits"),
        ({"name": "x" * 201}, "name", "Ensure this value has at most 200 characters (it has 201)."),
        ({"company": "x" * 201}, "company", "Ensure this value has at most 200 characters (it has 201)."),
        ({"email": "a" * 250 + "@x.test"}, "email", "Ensure this value has at most 254 characters (it has 257)."),
        ({"phone": "1" * 33}, "phone", "Ensure this value has at most 32 characters (it has 33)."),
        ({"message": "x" * 5001}, "message", "Ensure this value has at most 5000 characters (it has 5001)."),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_stored(client, lead_form, data, field, message):
    response = send(client, lead_form, data)

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert message in page_text(response)
    assert stored() == NOTHING
    assert response.context["token"]  # a fresh token to send the corrected form with


def test_an_oversize_name_reports_the_length_not_a_missing_name(client, lead_form):
    response = send(client, lead_form, {"name": "x" * 300, "company": ""})

    assert response.context["form"].errors["name"] == ["Ensure this value has at most 200 characters (it has 300)."]


def test_the_entered_values_are_kept_when_the_form_is_shown_again(client, lead_form):
    response = send(client, lead_form, {"email": "", "phone": "", "message": "Keep this text"})

    assert "Keep this text" in page_text(response)


# The honeypot -----------------------------------------------------------------------------------------------------


def test_a_filled_honeypot_is_answered_as_accepted_but_stores_nothing_and_is_logged(client, lead_form, caplog):
    with caplog.at_level(logging.WARNING, logger="sales.views.leads"):
        response = send(client, lead_form, {"website": "https://cheap-pills.example"})

    assert response.status_code == 302 and response.url == form_url(lead_form, "leads:form-thanks")
    assert stored() == NOTHING
    assert f"Web-to-lead form {lead_form.pk}: the 'website' field was filled in from 127.0.0.1" in caplog.text


def test_the_honeypot_is_hidden_by_a_stylesheet_class_not_an_inline_style(client, lead_form):
    html = client.get(form_url(lead_form)).content.decode()

    wrapper = html[html.index('class="lead-form-extra"') - 5 : html.index('name="website"')]
    assert 'aria-hidden="true"' in wrapper and "style=" not in wrapper
    assert 'tabindex="-1"' in html[html.index('name="website"') - 200 : html.index('name="website"') + 200]


# Rapid repeats ----------------------------------------------------------------------------------------------------


def test_rapid_repeats_from_one_address_get_429_after_the_limit_and_store_nothing_more(client, lead_form, settings):
    settings.CRM_LEAD_FORM_LIMIT = 3
    for n in range(3):
        assert send(client, lead_form, {"email": f"v{n}@example.org"}).status_code == 302

    response = send(client, lead_form, {"email": "v3@example.org"})

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert "This form was sent too many times from your address" in page_text(response)
    assert "Try again in 10 minutes." in page_text(response)
    assert Customer.objects.count() == 3


def test_bad_submissions_count_towards_the_limit_too(client, lead_form, settings):
    settings.CRM_LEAD_FORM_LIMIT = 2
    send(client, lead_form, {"name": ""})
    send(client, lead_form, {"website": "bot"})

    assert send(client, lead_form).status_code == 429
    assert stored() == NOTHING


def test_the_limit_is_per_address_behind_the_proxy(client, lead_form, settings):
    # given: one proxy in front of the app, which appends the address it saw to X-Forwarded-For
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.CRM_LEAD_FORM_LIMIT = 1
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.23"}
    assert send(client, lead_form, {"email": "a@example.org"}, **first).status_code == 302

    # when / then: the same client again is refused; another client (a forged left part does not help) is not
    assert send(client, lead_form, {"email": "b@example.org"}, **first).status_code == 429
    forged = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.7"}
    assert send(client, lead_form, {"email": "c@example.org"}, **forged).status_code == 429
    assert send(client, lead_form, {"email": "d@example.org"}, **second).status_code == 302
    assert Customer.objects.count() == 2


def test_the_limit_window_ends(client, lead_form, settings):
    settings.CRM_LEAD_FORM_LIMIT = 1
    settings.CRM_LEAD_FORM_LIMIT_WINDOW = timedelta(seconds=1)
    assert send(client, lead_form, {"email": "a@example.org"}).status_code == 302
    assert send(client, lead_form, {"email": "b@example.org"}).status_code == 429

    time.sleep(1.1)

    assert send(client, lead_form, {"email": "c@example.org"}).status_code == 302


# The token in place of the CSRF cookie ----------------------------------------------------------------------------


def test_a_missing_token_is_refused_with_403_and_nothing_stored(client, lead_form):
    response = client.post(form_url(lead_form), VALID)

    assert response.status_code == 403
    assert "The form could not be sent" in page_text(response)
    assert stored() == NOTHING


def test_an_altered_token_is_refused(client, lead_form):
    token = open_form(client, lead_form)

    response = send(client, lead_form, token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    assert response.status_code == 403 and stored() == NOTHING


def test_a_token_made_without_the_sites_key_is_refused(client, lead_form):
    forged = signing.dumps({"f": lead_form.pk, "a": "x", "n": "y"}, key="not-the-secret-key", salt=TOKEN_SALT)

    assert send(client, lead_form, token=forged).status_code == 403
    assert stored() == NOTHING


def test_another_forms_token_is_refused(client, lead_form):
    other = LeadFormFactory(team=lead_form.team)

    response = send(client, lead_form, token=open_form(client, other))

    assert response.status_code == 403 and stored() == NOTHING


@pytest.mark.parametrize("origin", ["https://attacker.example", "null", "http://testserver.attacker.example"])
def test_a_post_from_another_sites_page_is_refused_even_with_a_token(client, lead_form, origin):
    response = send(client, lead_form, HTTP_ORIGIN=origin)

    assert response.status_code == 403 and stored() == NOTHING


def test_the_forms_own_origin_is_accepted(client, lead_form):
    assert send(client, lead_form, HTTP_ORIGIN="http://testserver").status_code == 302


def test_csrf_checks_on_do_not_need_the_csrf_cookie(lead_form):
    # given: a browser that has no CSRF cookie (a third-party frame) and Django's CSRF checks enforced
    browser = Client(enforce_csrf_checks=True)

    # then: the form's own token is what counts, without it the post is refused
    assert send(browser, lead_form).status_code == 302
    assert browser.post(form_url(lead_form), VALID).status_code == 403
    assert "csrftoken" not in browser.cookies
    assert Customer.objects.count() == 1


def test_the_same_rendering_sent_twice_stores_once(client, lead_form):
    token = open_form(client, lead_form)

    first = send(client, lead_form, token=token)
    second = send(client, lead_form, token=token)

    assert first.status_code == second.status_code == 302
    assert stored() == {"customers": 1, "contacts": 0, "interactions": 1, "notifications": 1}


def test_an_expired_form_is_shown_again_filled_in_and_stores_nothing(client, lead_form, settings):
    token = open_form(client, lead_form)
    settings.CRM_LEAD_FORM_TOKEN_MAX_AGE = timedelta(seconds=-1)

    response = send(client, lead_form, {"message": "Still interested"}, token=token)

    assert response.status_code == 200
    assert "This form was open for a long time" in page_text(response)
    assert "Still interested" in page_text(response)
    assert stored() == NOTHING
    settings.CRM_LEAD_FORM_TOKEN_MAX_AGE = timedelta(hours=4)
    assert send(client, lead_form, token=response.context["token"]).status_code == 302


def test_a_token_issued_to_another_address_is_shown_again_not_stored(client, lead_form):
    token = open_form(client, lead_form, REMOTE_ADDR="192.0.2.10")

    response = send(client, lead_form, token=token, REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 200 and "This form was open for a long time" in page_text(response)
    assert stored() == NOTHING


# Unknown, inactive and retired keys -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["leads:form", "leads:form-thanks"])
def test_an_unknown_key_answers_404(client, lead_form, name):
    assert client.get(reverse(name, kwargs={"key": "no-such-form-key"})).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_inactive_form_answers_404_and_stores_nothing(client, lead_form, method):
    token = open_form(client, lead_form)
    lead_form.active = False
    lead_form.save()

    url = form_url(lead_form)
    response = client.get(url) if method == "get" else client.post(url, {**VALID, "form_token": token})

    assert response.status_code == 404 and stored() == NOTHING
    assert client.get(form_url(lead_form, "leads:form-thanks")).status_code == 404


def test_a_regenerated_key_retires_the_old_address(client, lead_form, administrator):
    old = form_url(lead_form)

    lead_form_regenerate_key(lead_form=lead_form, by=administrator)

    assert client.get(old).status_code == 404
    assert client.get(form_url(lead_form)).status_code == 200


def test_nothing_of_the_crm_is_shown_on_the_public_pages(client, lead_form, customer, rep):
    send(client, lead_form, {"email": customer.email})

    for url in (form_url(lead_form), form_url(lead_form, "leads:form-thanks")):
        html = page_text(client.get(url))
        assert customer.name not in html and lead_form.team.name not in html and rep.username not in html


def test_an_unmatched_phone_of_a_known_customer_still_makes_a_new_lead(client, lead_form, rep):
    CustomerFactory(owner=rep, phone="+44 20 7946 0999", email="someone.else@example.org")

    send(client, lead_form, {"email": "", "phone": "+44 20 7946 0999"})

    assert Customer.objects.count() == 2  # only an email links; the phone is the visitor's own word
