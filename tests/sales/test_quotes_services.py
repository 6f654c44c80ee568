"""Quote services: numbering, lines copied from the opportunity at the time, totals computed by the database, the
draft-only rule, transitions (accepting one declines the others), expiry, reach and the recycle bin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from records.models import Deletion
from records.services import deletion_restore
from records.versioning import StaleVersionError
from sales.models import Opportunity, Quote, QuoteLine
from sales.selectors.quotes import attach_totals, quote_get_for, quote_list_for, with_totals
from sales.services.opportunities import opportunity_delete, opportunity_line_add, opportunity_move_stage
from sales.services.quotes import (
    quote_accept,
    quote_create,
    quote_decline,
    quote_delete,
    quote_line_add,
    quote_line_remove,
    quote_line_update,
    quote_revise,
    quote_send,
    quote_update,
)
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanner():
    return ProductFactory(sku="SCAN", name="Barcode scanner", unit_price=Decimal("19.99"), currency="EUR")


@pytest.fixture
def licence():
    return ProductFactory(sku="LIC", name="Fleet licence", unit_price=Decimal("250.00"), currency="EUR")


@pytest.fixture
def opportunity(rep, customer, scanner, licence):
    """An open opportunity with 3 × 19.99 at 10 % off and 2 × 250.00."""
    opportunity = OpportunityFactory(customer=customer, currency="EUR")
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=3, discount_percent=Decimal("10"))
    opportunity_line_add(opportunity=opportunity, by=rep, product=licence, quantity=2)
    return Opportunity.objects.get(pk=opportunity.pk)


def _fresh(quote):
    return Quote.all_objects.get(pk=quote.pk)


def _lines(quote):
    return list(
        QuoteLine.objects.filter(quote=quote).values_list("product__sku", "quantity", "unit_price", "discount_percent")
    )


def test_a_quote_is_numbered_and_copies_the_opportunitys_lines_at_their_prices(rep, opportunity, scanner, settings):
    # given: the catalogue price changed after the line was added to the opportunity
    settings.CRM_DEFAULT_TAX_RATE = "20"
    settings.CRM_QUOTE_VALID_DAYS = 14
    scanner.unit_price = Decimal("29.99")
    scanner.save()

    # when
    first = quote_create(opportunity=opportunity, by=rep)
    second = quote_create(opportunity=opportunity, by=rep, tax_rate_percent=Decimal("0"), notes="  Net 30  ")

    # then
    assert (first.number, second.number) == ("Q-000001", "Q-000002")
    assert first.status == Quote.Status.DRAFT and first.currency == "EUR"
    assert first.valid_until == timezone.localdate() + timedelta(days=14)
    assert first.tax_rate_percent == Decimal("20") and second.tax_rate_percent == Decimal("0")
    assert second.notes == "Net 30"
    assert _lines(first) == [
        ("SCAN", 3, Decimal("19.99"), Decimal("10.00")),
        ("LIC", 2, Decimal("250.00"), Decimal("0.00")),
    ]
    assert first.history.get().history_user == rep


def test_a_later_price_change_alters_no_quote(rep, opportunity, licence):
    quote = quote_create(opportunity=opportunity, by=rep)

    licence.unit_price = Decimal("1.00")
    licence.save()

    assert ("LIC", 2, Decimal("250.00"), Decimal("0.00")) in _lines(quote)


def test_totals_are_computed_by_the_database_with_the_tax_rate(rep, opportunity):
    # given: subtotal 59.97 + 500.00; net 53.973 + 500.00 = 553.97; tax 20 % = 110.794
    quote = quote_create(opportunity=opportunity, by=rep, tax_rate_percent=Decimal("20"))

    # when
    loaded = quote_get_for(user=rep, pk=quote.pk)
    listed = attach_totals(list(quote_list_for(user=rep)))[0]

    # then
    expected = (Decimal("559.97"), Decimal("6.00"), Decimal("553.97"), Decimal("110.79"), Decimal("664.76"))
    for row in (loaded, listed):
        assert (row.subtotal, row.discount_total, row.net_total, row.tax_total, row.total) == expected
        assert row.line_count == 2


def test_a_quote_without_lines_totals_zero(rep, customer):
    quote = quote_create(opportunity=OpportunityFactory(customer=customer), by=rep)

    row = with_totals(Quote.objects.filter(pk=quote.pk)).get()

    assert (row.subtotal, row.total, row.line_count) == (Decimal("0"), Decimal("0"), 0)


def test_lines_added_to_a_draft_are_priced_from_the_catalogue_then(rep, opportunity, scanner):
    quote = quote_create(opportunity=opportunity, by=rep)
    scanner.unit_price = Decimal("17.50")
    scanner.save()

    line = quote_line_add(quote=quote, by=rep, product=scanner, quantity=1, expected_version=1)
    quote_line_update(line=line, by=rep, quantity=4, discount_percent=Decimal("5"), expected_version=2)

    assert ("SCAN", 4, Decimal("17.50"), Decimal("5.00")) in _lines(quote)
    assert _fresh(quote).version == 3
    quote_line_remove(line=line, by=rep, expected_version=3)
    assert len(_lines(quote)) == 2


def test_only_a_draft_changes(rep, opportunity, scanner):
    quote = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=quote, by=rep)
    sent = _fresh(quote)
    line = sent.lines.first()
    before = (_lines(sent), sent.version, sent.valid_until, sent.notes)

    refusals = [
        lambda: quote_update(quote=sent, by=rep, expected_version=sent.version, notes="Changed"),
        lambda: quote_line_add(quote=sent, by=rep, product=scanner, quantity=1),
        lambda: quote_line_update(line=line, by=rep, quantity=9, discount_percent=Decimal("0")),
        lambda: quote_line_remove(line=line, by=rep),
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError) as error:
            refuse()
        assert error.value.messages == ["Only a draft quote can be changed; this one is sent."]

    after = _fresh(quote)
    assert (_lines(after), after.version, after.valid_until, after.notes) == before


def test_draft_sent_accepted_with_who_and_when(rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)

    quote_send(quote=quote, by=rep, expected_version=1)
    sent = _fresh(quote)
    quote_accept(quote=sent, by=rep, expected_version=2)

    accepted = _fresh(quote)
    assert accepted.status == Quote.Status.ACCEPTED and accepted.version == 3
    assert accepted.sent_at is not None and accepted.decided_at is not None
    assert [h.status for h in accepted.history.order_by("history_id")] == ["draft", "sent", "accepted"]


def test_accepting_one_declines_the_other_offers_but_not_drafts(rep, opportunity):
    # given: two sent quotes and a draft
    earlier, chosen, draft = (quote_create(opportunity=opportunity, by=rep) for _ in range(3))
    quote_send(quote=earlier, by=rep)
    quote_send(quote=chosen, by=rep)

    # when
    result = quote_accept(quote=_fresh(chosen), by=rep)

    # then
    assert result.declined_numbers == [earlier.number]
    assert [_fresh(q).status for q in (earlier, chosen, draft)] == ["declined", "accepted", "draft"]
    assert _fresh(earlier).history.order_by("-history_id").first().history_user == rep

    # and: the draft sent and accepted later declines the first accepted one, so one stays accepted
    quote_send(quote=_fresh(draft), by=rep)
    quote_accept(quote=_fresh(draft), by=rep)
    assert [_fresh(q).status for q in (earlier, chosen, draft)] == ["declined", "declined", "accepted"]


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ([], quote_accept, "Only a sent quote can be accepted."),
        ([], quote_decline, "Only a sent quote can be declined."),
        ([], quote_revise, "Only a sent quote can go back to draft."),
        ([quote_send], quote_send, "Only a draft quote can be sent."),
        ([quote_send, quote_accept], quote_decline, "Only a sent quote can be declined."),
        ([quote_send, quote_decline], quote_accept, "Only a sent quote can be accepted."),
        ([quote_send, quote_decline], quote_send, "Only a draft quote can be sent."),
    ],
)
def test_transitions_the_status_does_not_allow_are_refused(rep, opportunity, steps, action, message):
    quote = quote_create(opportunity=opportunity, by=rep)
    for step in steps:
        step(quote=_fresh(quote), by=rep)
    before = _fresh(quote)

    with pytest.raises(ValidationError) as error:
        action(quote=_fresh(quote), by=rep)

    assert error.value.messages == [message]
    after = _fresh(quote)
    assert (after.status, after.version) == (before.status, before.version)


def test_a_quote_without_lines_is_not_sent(rep, customer):
    quote = quote_create(opportunity=OpportunityFactory(customer=customer), by=rep)

    with pytest.raises(ValidationError, match="Add at least one line before sending the quote."):
        quote_send(quote=quote, by=rep)

    assert _fresh(quote).status == Quote.Status.DRAFT


def test_an_expired_quote_is_neither_sent_nor_accepted_until_its_date_moves_on(rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=quote, by=rep)
    yesterday = timezone.localdate() - timedelta(days=1)
    Quote.objects.filter(pk=quote.pk).update(valid_until=yesterday)

    with pytest.raises(ValidationError, match="This quote expired on"):
        quote_accept(quote=_fresh(quote), by=rep)
    assert _fresh(quote).is_expired

    quote_revise(quote=_fresh(quote), by=rep)
    with pytest.raises(ValidationError, match="validity date has passed"):
        quote_send(quote=_fresh(quote), by=rep)
    with pytest.raises(ValidationError) as past:
        quote_update(quote=_fresh(quote), by=rep, valid_until=yesterday)
    assert past.value.message_dict == {"valid_until": ["Choose today or a later date."]}

    quote_update(quote=_fresh(quote), by=rep, valid_until=timezone.localdate() + timedelta(days=7))
    quote_send(quote=_fresh(quote), by=rep)
    quote_accept(quote=_fresh(quote), by=rep)
    assert _fresh(quote).status == Quote.Status.ACCEPTED


def test_quotes_of_a_closed_opportunity_stay_as_they_are(rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=quote, by=rep)
    opportunity_move_stage(opportunity=opportunity, to_stage=stage("lost"), by=rep, lost_reason="Budget cut")

    with pytest.raises(ValidationError, match="reopen it to work on its quotes"):
        quote_accept(quote=_fresh(quote), by=rep)
    with pytest.raises(ValidationError, match="reopen it to work on its quotes"):
        quote_create(opportunity=Opportunity.objects.get(pk=opportunity.pk), by=rep)

    assert _fresh(quote).status == Quote.Status.SENT
    assert Quote.objects.count() == 1
    quote_decline(quote=_fresh(quote), by=rep)  # the customer's no is still recorded
    assert _fresh(quote).status == Quote.Status.DECLINED


def test_a_stale_edit_is_refused_and_changes_nothing(rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)
    quote_update(quote=_fresh(quote), by=rep, expected_version=1, notes="First")

    with pytest.raises(StaleVersionError):
        quote_update(quote=_fresh(quote), by=rep, expected_version=1, notes="Second")
    with pytest.raises(StaleVersionError):
        quote_send(quote=_fresh(quote), by=rep, expected_version=1)

    after = _fresh(quote)
    assert (after.notes, after.status, after.version) == ("First", Quote.Status.DRAFT, 2)


def test_users_outside_reach_are_refused_and_change_nothing(rep, outsider, opportunity, scanner):
    quote = quote_create(opportunity=opportunity, by=rep)
    line = quote.lines.first()

    for attempt in (
        lambda: quote_create(opportunity=opportunity, by=outsider),
        lambda: quote_update(quote=_fresh(quote), by=outsider, notes="Mine"),
        lambda: quote_line_add(quote=_fresh(quote), by=outsider, product=scanner, quantity=1),
        lambda: quote_line_update(line=line, by=outsider, quantity=7, discount_percent=Decimal("0")),
        lambda: quote_send(quote=_fresh(quote), by=outsider),
        lambda: quote_delete(quote=_fresh(quote), by=outsider),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    after = _fresh(quote)
    assert (Quote.all_objects.count(), after.notes, after.status, after.version, after.deletion_id) == (
        1,
        "",
        "draft",
        1,
        None,
    )


def test_the_manager_of_the_owners_team_reaches_the_quotes(rep, manager, opportunity):
    quote = quote_create(opportunity=opportunity, by=manager)

    quote_send(quote=quote, by=manager)

    assert _fresh(quote).status == Quote.Status.SENT


def test_deleting_moves_a_quote_to_the_bin_but_an_accepted_one_stays(rep, opportunity):
    draft = quote_create(opportunity=opportunity, by=rep)
    accepted = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=accepted, by=rep)
    quote_accept(quote=_fresh(accepted), by=rep)

    quote_delete(quote=draft, by=rep)
    with pytest.raises(ValidationError, match="An accepted quote cannot be deleted"):
        quote_delete(quote=_fresh(accepted), by=rep)

    assert list(Quote.objects.values_list("number", flat=True)) == [accepted.number]
    assert _fresh(draft).deletion.label == draft.number
    assert QuoteLine.objects.filter(quote=draft).count() == 2  # the lines stay with it, for a restore


def test_an_opportunity_goes_to_the_bin_with_its_quotes_and_comes_back_with_them(rep, opportunity):
    quote = quote_create(opportunity=opportunity, by=rep)

    entry = opportunity_delete(opportunity=opportunity, by=rep)
    assert not Quote.objects.exists() and _fresh(quote).deletion == entry

    deletion_restore(deletion=Deletion.objects.get(pk=entry.pk), by=rep)
    assert list(Quote.objects.values_list("pk", flat=True)) == [quote.pk]
