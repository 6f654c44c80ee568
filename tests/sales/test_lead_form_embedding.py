"""Framing: the public form's pages may be shown in frames on the origins the form lists (CSP frame-ancestors names
them, X-Frame-Options is left off), by nobody when it lists none, and every other page keeps DENY and 'none'."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories.leads import LeadFormFactory
from tests.sales._leads import VALID, form_url, send
from tests.security.test_security_headers import INLINE_SCRIPT, INLINE_STYLE, POLICY, _policy

pytestmark = pytest.mark.django_db

ORIGINS = "https://www.example.com\nhttps://*.shop.example:8443"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lead_form(manager, rep):
    return LeadFormFactory(team=rep.teams.get(), allowed_origins=ORIGINS)


def test_the_form_may_be_framed_by_its_allowed_origins_only(client, lead_form):
    response = client.get(form_url(lead_form))

    assert "X-Frame-Options" not in response
    assert _policy(response) == {
        **POLICY,
        "frame-ancestors": "https://www.example.com https://*.shop.example:8443",
    }


def test_every_answer_of_the_form_is_framable_where_the_form_is(client, lead_form, settings):
    # given: the pages a visitor may see inside the frame: errors, the thank-you page, a refusal, the limit
    settings.CRM_LEAD_FORM_LIMIT = 1
    responses = {
        "errors": send(client, lead_form, {"name": ""}),
        "thanks": client.get(form_url(lead_form, "leads:form-thanks")),
        "refused": client.post(form_url(lead_form), VALID),
        "limited": send(client, lead_form),
    }

    assert {name: r.status_code for name, r in responses.items()} == {
        "errors": 200,
        "thanks": 200,
        "refused": 403,
        "limited": 429,
    }
    for name, response in responses.items():
        assert "X-Frame-Options" not in response, name
        assert "https://www.example.com" in _policy(response)["frame-ancestors"], name


def test_a_form_without_origins_cannot_be_framed(client, manager, rep):
    lead_form = LeadFormFactory(team=rep.teams.get(), allowed_origins="")

    for url in (form_url(lead_form), form_url(lead_form, "leads:form-thanks")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert _policy(response) == POLICY


def test_other_pages_keep_deny_and_frame_ancestors_none(client, lead_form, rep):
    client.force_login(rep)
    pages = [reverse("customers:customer-list"), reverse("sales:pipeline"), reverse("login")]

    for url in pages:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert _policy(response)["frame-ancestors"] == "'none'", url


def test_an_unknown_key_is_not_framable(client, lead_form):
    response = client.get(reverse("leads:form", kwargs={"key": "no-such-key"}))

    assert response.status_code == 404 and response["X-Frame-Options"] == "DENY"


def test_the_public_pages_run_no_inline_script_or_style(client, lead_form):
    for url in (form_url(lead_form), form_url(lead_form, "leads:form-thanks")):
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)
        assert "<script" not in html  # the public pages need no script at all
