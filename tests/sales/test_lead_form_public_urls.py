"""The public URLs of the sales app (sales/public_urls.py, namespace "leads"), declared like the scope sweeps declare
the app's signed-in pages: a new public URL fails here until it is added.

They name no owned record: the key in the URL chooses a web-to-lead form, and anyone holding it (no sign-in) may
open and send that form while it is active. So instead of "another owner's record answers 404", the rules tried
from outside are: an unknown, retired or inactive key answers 404 to everyone, administrators included; a method
the page does not take answers 405; and neither shows nor changes anything of the CRM.
"""

import pytest
from django.core.cache import cache

from customers.models import Contact, Customer, Interaction
from sales.models import LeadForm
from tests.factories.leads import LeadFormFactory
from tests.sales._leads import VALID
from tests.sweep import ScopeSweep

pytestmark = pytest.mark.django_db

SWEEP = ScopeSweep(
    namespace="leads",
    # Public: named by the form's key, open to anyone (the rules above); none is in a `without_record` set, as
    # both take the key.
    kwargs={
        "form": lambda t: {"key": t["lead_form"].public_key},
        "form-thanks": lambda t: {"key": t["lead_form"].public_key},
    },
    without_record=set(),
    models=[LeadForm, Customer, Contact, Interaction],
)
USERS = ["anonymous", "rep", "manager", "administrator"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def lead_form(manager, rep):
    return LeadFormFactory(team=rep.teams.get())


def sign_in(client, request, user_kind):
    if user_kind != "anonymous":
        client.force_login(request.getfixturevalue(user_kind))


def test_every_public_url_is_declared():
    SWEEP.assert_knows_every_url()


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize("name", sorted(SWEEP.kwargs))
def test_everyone_opens_an_active_forms_pages(client, request, lead_form, name, user_kind):
    sign_in(client, request, user_kind)

    assert client.get(SWEEP.url(name, {"lead_form": lead_form})).status_code == 200


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize("name", sorted(SWEEP.kwargs))
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("state", ["inactive", "retired"])
def test_an_inactive_or_retired_key_answers_404_to_everyone_and_changes_nothing(
    client, request, lead_form, administrator, name, user_kind, method, state
):
    url = SWEEP.url(name, {"lead_form": lead_form})
    if state == "inactive":
        LeadForm.objects.filter(pk=lead_form.pk).update(active=False)
    else:
        LeadForm.objects.filter(pk=lead_form.pk).update(public_key="a-new-key-after-regenerating")
    sign_in(client, request, user_kind)
    before = SWEEP.snapshot()

    response = client.get(url) if method == "get" else client.post(url, VALID)

    assert response.status_code == SWEEP.refusal(name, method)
    assert SWEEP.snapshot() == before


@pytest.mark.parametrize("user_kind", USERS)
def test_the_thank_you_page_takes_no_post(client, request, lead_form, user_kind):
    sign_in(client, request, user_kind)
    before = SWEEP.snapshot()

    response = client.post(SWEEP.url("form-thanks", {"lead_form": lead_form}), VALID)

    assert response.status_code == 405 and SWEEP.snapshot() == before
