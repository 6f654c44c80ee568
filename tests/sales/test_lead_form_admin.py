"""Administrators set up web-to-lead forms in the admin, through sales.services.leads: origins checked and stored
one per line, the public address and the embed code shown, the key regenerated on request. Nobody else may."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sales.models import LeadForm
from sales.services.leads import lead_form_create, lead_form_regenerate_key, lead_form_update
from tests.customers._support import page_text
from tests.factories.customers import TagFactory
from tests.factories.leads import LeadFormFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_leadform_changelist")
ADD = reverse("admin:sales_leadform_add")


@pytest.fixture
def team(manager, rep):
    return rep.teams.get()


def _form(for_team, **changes) -> dict:
    data = {
        "name": "Website contact",
        "team": for_team.pk,
        "active": "on",
        "source": "website",
        "default_tags": [],
        "thank_you_message": "Thanks, we will call you.",
        "allowed_origins": "",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_an_administrator_sets_up_a_form_with_origins_stored_one_per_line(client, administrator, team):
    tag = TagFactory(name="Web lead")
    client.force_login(administrator)

    response = client.post(
        ADD,
        _form(
            team,
            allowed_origins="HTTPS://www.Example.com/,  https://shop.example:8443\nhttps://www.example.com",
            default_tags=[tag.pk],
        ),
    )

    assert response.status_code == 302, page_text(response)[:3000]
    lead_form = LeadForm.objects.get()
    assert lead_form.allowed_origins == "https://www.example.com\nhttps://shop.example:8443"
    assert lead_form.origins == ["https://www.example.com", "https://shop.example:8443"]
    assert [t.name for t in lead_form.default_tags.all()] == ["Web lead"]
    assert len(lead_form.public_key) >= 32
    assert lead_form.history.get().history_user == administrator


@pytest.mark.parametrize(
    "origins",
    [
        "www.example.com",  # no scheme
        "https://www.example.com/contact",  # a path
        "https://www.example.com; script-src *",  # an attempt to add to the header
        "javascript:alert(1)",
        "*",
        "'self'",
    ],
)
def test_a_malformed_origin_is_refused_and_nothing_saved(client, administrator, team, origins):
    client.force_login(administrator)

    response = client.post(ADD, _form(team, allowed_origins=origins))

    assert response.status_code == 200
    assert "Not an origin:" in page_text(response)
    assert not LeadForm.objects.exists()


def test_a_form_without_a_name_or_team_is_refused(client, administrator, team):
    client.force_login(administrator)

    response = client.post(ADD, _form(team, name="", team=""))

    assert response.status_code == 200 and page_text(response).count("This field is required.") == 2
    assert not LeadForm.objects.exists()


def test_the_change_page_shows_the_address_and_the_embed_code(client, administrator, team, settings):
    settings.CRM_SITE_URL = "https://crm.example.com"
    lead_form = LeadFormFactory(team=team)
    client.force_login(administrator)

    html = page_text(client.get(reverse("admin:sales_leadform_change", args=[lead_form.pk])))

    address = f"https://crm.example.com/leads/form/{lead_form.public_key}/"
    assert f'href="{address}"' in html
    assert f'<iframe src="{address}" title="Contact form"' in html  # as text in the read-only box
    assert "<textarea" in html and "Regenerate the public key" in html


@pytest.mark.parametrize("name", ["admin:sales_leadform_changelist", "admin:sales_leadform_add"])
def test_the_list_and_add_pages_open_for_an_administrator(client, administrator, team, name):
    LeadFormFactory(team=team, name="Trade fair form")
    client.force_login(administrator)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert name.endswith("add") or "Trade fair form" in page_text(response)


def test_regenerating_from_the_change_page_retires_the_old_address(client, administrator, team):
    lead_form = LeadFormFactory(team=team)
    old_key = lead_form.public_key
    client.force_login(administrator)

    response = client.post(
        reverse("admin:sales_leadform_change", args=[lead_form.pk]),
        _form(team, name="Renamed", regenerate_key="on"),
    )

    assert response.status_code == 302
    lead_form.refresh_from_db()
    assert lead_form.name == "Renamed" and lead_form.public_key != old_key
    assert client.get(reverse("leads:form", kwargs={"key": old_key})).status_code == 404


def test_saving_without_regenerating_keeps_the_key(client, administrator, team):
    lead_form = LeadFormFactory(team=team)
    client.force_login(administrator)

    client.post(reverse("admin:sales_leadform_change", args=[lead_form.pk]), _form(team, name="Renamed"))

    assert LeadForm.objects.get().public_key == lead_form.public_key


def test_the_list_action_regenerates_the_chosen_keys(client, administrator, team):
    forms = [LeadFormFactory(team=team) for _ in range(2)]
    keys = {f.pk: f.public_key for f in forms}
    client.force_login(administrator)

    response = client.post(CHANGELIST, {"action": "regenerate_keys", "_selected_action": [forms[0].pk]}, follow=True)

    assert "1 form has a new address" in page_text(response)
    assert LeadForm.objects.get(pk=forms[0].pk).public_key != keys[forms[0].pk]
    assert LeadForm.objects.get(pk=forms[1].pk).public_key == keys[forms[1].pk]


@pytest.mark.parametrize("user_kind", ["rep", "manager"])
def test_reps_and_managers_do_not_reach_the_forms_in_the_admin(client, request, team, user_kind):
    user = request.getfixturevalue(user_kind)
    client.force_login(user)

    response = client.get(CHANGELIST)

    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("user_kind", ["rep", "manager"])
def test_the_services_refuse_who_may_not_set_up_forms(request, team, user_kind):
    user = request.getfixturevalue(user_kind)
    lead_form = LeadFormFactory(team=team)

    with pytest.raises(PermissionDenied):
        lead_form_create(by=user, name="Mine", team=team)
    with pytest.raises(PermissionDenied):
        lead_form_update(lead_form=lead_form, by=user, allowed_origins="https://evil.example")
    with pytest.raises(PermissionDenied):
        lead_form_regenerate_key(lead_form=lead_form, by=user)
    assert LeadForm.objects.get().allowed_origins == "https://www.example.com"


def test_forms_are_retired_not_deleted(client, administrator, team):
    lead_form = LeadFormFactory(team=team)
    client.force_login(administrator)

    response = client.post(reverse("admin:sales_leadform_delete", args=[lead_form.pk]), {"post": "yes"})

    assert response.status_code == 403 and LeadForm.objects.filter(pk=lead_form.pk).exists()
    assert 'value="delete_selected"' not in page_text(client.get(CHANGELIST))
