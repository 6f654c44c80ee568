"""Quotas: a manager sets the month's quota of each member of their teams on one page (an administrator anyone's),
all saved together or not at all; bad amounts, stale pages and people outside the manager's teams change nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from sales.models import Quota
from sales.services.quotas import QuotaInput, quotas_set
from tests.customers._support import page_text

pytestmark = pytest.mark.django_db
PAGE = reverse("sales:quotas")
DECEMBER = date(2026, 12, 1)


def _post(people, month="2026-12", **rows):
    """A submission of the quotas page: `rows` maps a person to (amount, currency, version)."""
    data = {"month": month, "rows-TOTAL_FORMS": str(len(people)), "rows-INITIAL_FORMS": str(len(people))}
    for index, person in enumerate(people):
        amount, currency, version = rows.get(person.username, ("", "", 0))
        data.update(
            {
                f"rows-{index}-rep": person.pk,
                f"rows-{index}-amount": amount,
                f"rows-{index}-currency": currency,
                f"rows-{index}-version": version,
            }
        )
    return data


def _quotas() -> dict[str, tuple]:
    return {q.rep.username: (q.amount, q.currency) for q in Quota.objects.filter(month=DECEMBER).select_related("rep")}


def test_manager_sees_one_row_per_member_of_their_teams(client, manager, rep, teammate, outsider):
    Quota.objects.create(rep=rep, month=DECEMBER, amount=Decimal("25000"), currency="EUR")
    client.force_login(manager)

    response = client.get(PAGE, {"month": "2026-12"})

    html = page_text(response)
    assert response.status_code == 200
    assert [row["person"] for row in response.context["rows"]] == [rep, teammate]  # not the manager, not South
    assert "Rita Rep" in html and "Tom Mate" in html and "Otto" not in html
    assert 'value="25000.00"' in html and "Dec 2026" in html and "North" in html


def test_manager_saves_the_whole_month_in_one_submit(client, manager, rep, teammate):
    client.force_login(manager)

    response = client.post(
        PAGE, _post([rep, teammate], **{"rep.one": ("30000", "eur", 0), "rep.two": ("12500.50", "", 0)})
    )

    assert response.status_code == 302 and response.url == f"{PAGE}?month=2026-12"
    assert _quotas() == {"rep.one": (Decimal("30000.00"), "EUR"), "rep.two": (Decimal("12500.50"), "USD")}
    quota = Quota.objects.get(rep=rep)
    assert quota.set_by == manager and quota.history.get().history_user == manager
    assert "The quotas for Dec 2026 were saved." in page_text(client.get(response.url))


def test_changing_and_clearing_quotas(client, manager, rep, teammate):
    Quota.objects.create(rep=rep, month=DECEMBER, amount=Decimal("100"), currency="USD")
    Quota.objects.create(rep=teammate, month=DECEMBER, amount=Decimal("200"), currency="USD")
    client.force_login(manager)

    client.post(PAGE, _post([rep, teammate], **{"rep.one": ("150", "USD", 1), "rep.two": ("", "USD", 1)}))

    assert _quotas() == {"rep.one": (Decimal("150.00"), "USD")}
    assert Quota.objects.get(rep=rep).version == 2
    assert Quota.history.filter(rep_id=teammate.pk, history_type="-").exists()


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("-5", "USD", "Ensure this value is greater than or equal to 0."),
        ("lots", "USD", "Enter a number."),
        ("10", "DOLLARS", "Ensure this value has at most 3 characters"),
        ("10", "U$D", "Enter a three-letter currency code, such as USD."),
    ],
)
def test_bad_input_is_shown_and_saves_nothing(client, manager, rep, teammate, amount, currency, message):
    client.force_login(manager)

    response = client.post(PAGE, _post([rep, teammate], **{"rep.one": (amount, currency, 0), "rep.two": ("5", "", 0)}))

    assert response.status_code == 200 and message in page_text(response)
    assert not Quota.objects.exists()


def test_a_person_outside_the_managers_teams_is_refused_and_nothing_is_saved(client, manager, rep, outsider):
    client.force_login(manager)

    response = client.post(PAGE, _post([rep, outsider], **{"rep.one": ("10", "", 0), "rep.other": ("99", "", 0)}))

    assert response.status_code == 403
    assert not Quota.objects.exists()


def test_the_manager_does_not_set_their_own_quota(client, manager, rep):
    client.force_login(manager)

    response = client.post(PAGE, _post([manager], **{"manager.one": ("10", "", 0)}))

    assert response.status_code == 403 and not Quota.objects.exists()


def test_a_page_opened_before_someone_else_saved_refuses_the_whole_month(client, manager, administrator, rep, teammate):
    # given: the manager's page showed no quota for the rep; meanwhile an administrator set one
    quotas_set(by=administrator, month=DECEMBER, rows=[QuotaInput(rep.pk, Decimal("500"), "USD")])
    client.force_login(manager)

    # when
    response = client.post(PAGE, _post([rep, teammate], **{"rep.one": ("100", "", 0), "rep.two": ("200", "", 0)}))

    # then
    assert response.status_code == 200
    assert "Someone else changed the quotas of Rita Rep for this month" in page_text(response)
    assert _quotas() == {"rep.one": (Decimal("500.00"), "USD")}


def test_a_rep_may_not_open_or_post_the_page(client, rep):
    client.force_login(rep)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, _post([rep], **{"rep.one": ("1", "", 0)})).status_code == 403
    assert not Quota.objects.exists()


def test_administrator_sets_anyones_quota(client, administrator, manager, rep, outsider):
    client.force_login(administrator)

    people = [row["person"] for row in client.get(PAGE).context["rows"]]
    response = client.post(PAGE, _post([outsider, manager], **{"rep.other": ("7", "", 0), "manager.one": ("8", "", 0)}))

    assert {rep, outsider, manager} <= set(people) and administrator not in people
    assert response.status_code == 302
    assert set(_quotas()) == {"rep.other", "manager.one"}


def test_an_invalid_month_says_so_and_shows_this_month(client, manager, rep):
    client.force_login(manager)

    response = client.get(PAGE, {"month": "2026-13"})

    assert "Enter a month as YYYY-MM." in page_text(response)
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_empty_rows_can_be_filled_from_the_previous_month(client, manager, rep, teammate):
    Quota.objects.create(rep=rep, month=date(2026, 11, 1), amount=Decimal("900"), currency="EUR")
    Quota.objects.create(rep=teammate, month=date(2026, 11, 1), amount=Decimal("800"), currency="EUR")
    Quota.objects.create(rep=teammate, month=DECEMBER, amount=Decimal("1000"), currency="EUR")
    client.force_login(manager)

    response = client.get(PAGE, {"month": "2026-12", "copy": "previous"})

    initial = {row["rep"]: row["amount"] for row in response.context["form"].initial}
    assert initial == {rep.pk: Decimal("900"), teammate.pk: Decimal("1000")}
    assert not Quota.objects.filter(rep=rep, month=DECEMBER).exists()  # shown, not saved


def test_the_service_refuses_someone_outside_reach(manager, outsider):
    with pytest.raises(PermissionDenied):
        quotas_set(by=manager, month=DECEMBER, rows=[QuotaInput(outsider.pk, Decimal("1"))])

    assert not Quota.objects.exists()


def test_admin_sets_quotas_through_the_service_and_offers_only_the_team(client, manager, rep, outsider):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)

    form = client.get(reverse("admin:sales_quota_add")).content.decode()
    response = client.post(
        reverse("admin:sales_quota_add"),
        {"rep": rep.pk, "month": "2026-12-01", "amount": "4000", "currency": "USD", "_save": "Save"},
    )
    refused = client.post(
        reverse("admin:sales_quota_add"),
        {"rep": outsider.pk, "month": "2026-12-01", "amount": "4000", "currency": "USD", "_save": "Save"},
    )

    assert ">rep.one<" in form and "rep.other" not in form
    assert response.status_code == 302 and Quota.objects.get().set_by == manager
    assert refused.status_code == 200 and Quota.objects.count() == 1
