"""Quote pages: the list with its filters, sort and audited export; the quote page as each role sees it; the
printable quote; making a quote from its opportunity; the terms form, the line forms and the status buttons, with
bad input and stale pages refused with a clear message and nothing changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SUPPORT_AGENT
from records.models import AuditEntry
from sales.models import Opportunity, Quote, QuoteLine
from sales.services.opportunities import opportunity_line_add
from sales.services.quotes import quote_accept, quote_create, quote_send
from tests.customers._support import page_text, section_text, visible_text
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales import OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db
LIST = reverse("sales:quote-list")


@pytest.fixture
def scanner():
    return ProductFactory(sku="SCAN", name="Barcode scanner", unit_price=Decimal("19.99"), currency="EUR")


@pytest.fixture
def opportunity(rep, customer, scanner):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal", currency="EUR")
    opportunity_line_add(opportunity=opportunity, by=rep, product=scanner, quantity=3, discount_percent=Decimal("10"))
    return Opportunity.objects.get(pk=opportunity.pk)


@pytest.fixture
def quote(rep, opportunity):
    return quote_create(
        opportunity=opportunity, by=rep, tax_rate_percent=Decimal("20"), notes="Payment within 30 days."
    )


def _fresh(quote):
    return Quote.all_objects.get(pk=quote.pk)


def _in(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _terms(quote, **changes):
    return {
        "valid_until": _in(30),
        "tax_rate_percent": "20",
        "notes": quote.notes,
        "version": quote.version,
        **changes,
    }


# The list and the export ---------------------------------------------------------------------------------------


def test_a_rep_lists_the_quotes_of_their_opportunities_with_totals(client, rep, quote, outsider, foreign_customer):
    quote_create(opportunity=OpportunityFactory(customer=foreign_customer, title="Not mine"), by=outsider)
    client.force_login(rep)

    response = client.get(LIST)

    text = visible_text(response)
    assert response.status_code == 200
    assert f"{quote.number} Acme Logistics Ltd Fleet renewal Draft" in text
    assert "64.76 EUR" in text  # 53.97 + 20 % tax
    assert "Not mine" not in text and "1 quote" in text
    assert 'name="owner"' not in response.content.decode()  # a rep sees only their own


def test_a_manager_filters_by_owner_and_status_and_searches_by_number_or_customer(
    client, manager, rep, teammate, quote
):
    other = quote_create(
        opportunity=OpportunityFactory(customer=CustomerFactory(owner=teammate, name="Blue Harbour")), by=teammate
    )
    quote_send(quote=quote, by=rep)
    client.force_login(manager)

    def listed(**query):
        body = visible_text(client.get(LIST, query))
        return [number for number in (quote.number, other.number) if number in body]

    assert listed() == [quote.number, other.number]
    assert listed(owner=teammate.pk) == [other.number]
    assert listed(status="sent") == [quote.number]
    assert listed(q="blue") == [other.number]
    assert listed(q=quote.number) == [quote.number]


def test_the_list_sorts_by_total_and_an_invalid_filter_shows_no_rows(client, rep, quote, opportunity, scanner):
    big = quote_create(opportunity=opportunity, by=rep)
    QuoteLine.objects.filter(quote=big).update(quantity=100)
    client.force_login(rep)

    by_total = visible_text(client.get(LIST, {"sort": "-total"}))
    invalid = visible_text(client.get(LIST, {"status": "lost"}))

    assert by_total.index(big.number) < by_total.index(quote.number)
    assert "Select a valid choice." in invalid and quote.number not in invalid


def test_the_export_has_the_filtered_rows_with_totals_and_is_audited(client, rep, quote, opportunity):
    sent = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=sent, by=rep)
    client.force_login(rep)

    response = client.get(reverse("sales:quote-export"), {"status": "draft"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response.status_code == 200
    header, *rows = body.splitlines()
    assert header.startswith("Number,Status,Created (UTC),Valid until,Sent (UTC)")
    assert len(rows) == 1 and rows[0].startswith(f"{quote.number},draft,")
    assert ",Acme Logistics Ltd," in rows[0] and ",59.97,6.00,53.97,20.00,10.79,64.76,EUR" in rows[0]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.object_type, entry.object_label) == ("sales.quote", "Quote list")
    assert entry.detail == {"filter": "status=draft", "rows": 1}


def test_the_list_page_reads_a_few_queries_however_many_quotes(client, rep, opportunity):
    for _ in range(12):
        quote_create(opportunity=opportunity, by=rep)
    client.force_login(rep)
    client.get(LIST)  # sessions and permissions cached as on any later page

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)

    assert response.status_code == 200
    assert len(queries) <= 12, [q["sql"][:150] for q in queries]


# The quote page --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_kind", ["rep", "manager", "administrator"])
def test_the_quote_page_shows_lines_totals_terms_and_the_draft_actions(client, request, quote, user_kind):
    client.force_login(request.getfixturevalue(user_kind))

    response = client.get(quote.get_absolute_url())

    assert response.status_code == 200
    lines = section_text(response, "lines-heading")
    assert "Barcode scanner SCAN 3 19.99 10 % 53.97" in lines
    assert "Subtotal 59.97" in lines and "Discounts −6.00" in lines and "Tax (20 %) 10.79" in lines
    assert "Total 64.76 EUR" in lines
    assert "Payment within 30 days." in section_text(response, "terms-heading")
    text = visible_text(response)
    assert "Mark sent" in text and "Edit terms" in text and "Add line" in text
    assert "Customer accepted" not in text


def test_a_sent_quote_offers_accept_decline_and_back_to_draft_and_no_editing(client, rep, quote):
    quote_send(quote=quote, by=rep)
    client.force_login(rep)

    text = visible_text(client.get(quote.get_absolute_url()))

    assert "Customer accepted" in text and "Customer declined" in text and "Back to draft" in text
    assert "Mark sent" not in text and "Edit terms" not in text and "Add line" not in text
    assert "Only a draft's lines change." in text


def test_a_support_agent_has_no_quote_pages(client, quote):
    client.force_login(UserFactory(username="support.agent", role=SUPPORT_AGENT))

    assert client.get(quote.get_absolute_url()).status_code == 403
    assert client.get(LIST).status_code == 403


def test_the_quote_page_reads_a_few_queries(client, rep, quote, scanner):
    for _ in range(8):
        QuoteLine.objects.create(quote=quote, product=scanner, quantity=1, unit_price=Decimal("1"))
    client.force_login(rep)
    client.get(quote.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(quote.get_absolute_url())

    assert response.status_code == 200
    assert len(queries) <= 12, [q["sql"][:150] for q in queries]


def test_the_printable_quote_has_seller_customer_lines_and_totals_for_paper(client, rep, quote, settings):
    settings.CRM_SELLER_NAME = "Harbour Supplies Ltd"
    settings.CRM_SELLER_DETAILS = "1 Dock Road|Bristol BS1 4AA|VAT GB123456789"
    client.force_login(rep)

    response = client.get(reverse("sales:quote-print", kwargs={"pk": quote.pk}))

    html = response.content.decode()
    text = visible_text(response)
    assert response.status_code == 200
    assert "css/quote-print.css" in html and 'class="quote-toolbar d-print-none' in html
    assert "Harbour Supplies Ltd 1 Dock Road Bristol BS1 4AA VAT GB123456789 Prepared by Rita Rep" in text
    assert f"Quote Number {quote.number}" in text
    assert "For Acme Logistics Ltd" in text and "Subject: Fleet renewal" in text
    assert "Barcode scanner SCAN 3 19.99 10 % 53.97" in text
    assert "Subtotal 59.97 Discounts −6.00 Net 53.97 Tax (20 %) 10.79 Total 64.76 EUR" in text
    assert "Payment within 30 days." in text
    assert 'class="nav nav-underline' not in html  # no sales sub-navigation on the sheet


def test_the_print_stylesheet_lays_out_a4_without_the_application():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "quote-print.css").read_text()

    assert "@page { size: A4;" in css
    printed = css[css.index("@media print") :]
    assert "body > nav.navbar" in printed and ".d-print-none" in printed and "display: none" in printed


# Making and editing quotes ---------------------------------------------------------------------------------------


def test_a_quote_is_made_from_the_opportunity_page(client, rep, opportunity):
    client.force_login(rep)
    page = client.get(opportunity.get_absolute_url())
    assert reverse("sales:quote-create", kwargs={"pk": opportunity.pk}) in page.content.decode()
    form = client.get(reverse("sales:quote-create", kwargs={"pk": opportunity.pk}))
    assert "The quote starts with a copy of the opportunity's line item, at its price" in page_text(form)

    response = client.post(
        reverse("sales:quote-create", kwargs={"pk": opportunity.pk}),
        {"valid_until": _in(14), "tax_rate_percent": "7.5", "notes": "Delivery included."},
        follow=True,
    )

    quote = Quote.objects.get()
    assert response.redirect_chain[-1][0] == quote.get_absolute_url()
    assert f"Quote {quote.number} was created as a draft." in page_text(response)
    assert (quote.tax_rate_percent, quote.notes, quote.lines.count()) == (Decimal("7.5"), "Delivery included.", 1)
    assert quote.number in section_text(client.get(opportunity.get_absolute_url()), "quotes-heading")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"valid_until": _in(-1), "tax_rate_percent": "20"}, "Choose today or a later date."),
        ({"valid_until": "31/02/2027", "tax_rate_percent": "20"}, "Enter a valid date."),
        ({"valid_until": _in(10), "tax_rate_percent": "150"}, "A tax rate is between 0 and 100 %."),
        ({"valid_until": _in(10), "tax_rate_percent": "-1"}, "A tax rate is between 0 and 100 %."),
    ],
)
def test_bad_terms_on_a_new_quote_show_a_message_and_make_nothing(client, rep, opportunity, data, message):
    client.force_login(rep)

    response = client.post(reverse("sales:quote-create", kwargs={"pk": opportunity.pk}), {**data, "notes": ""})

    assert response.status_code == 200 and message in page_text(response)
    assert not Quote.all_objects.exists()


def test_editing_a_drafts_terms(client, rep, quote):
    client.force_login(rep)

    response = client.post(reverse("sales:quote-update", kwargs={"pk": quote.pk}), _terms(quote, notes="Net 60"))

    assert response.status_code == 302 and response.url == quote.get_absolute_url()
    assert (_fresh(quote).notes, _fresh(quote).version) == ("Net 60", 2)


def test_editing_a_sent_quote_is_refused_with_a_clear_message_and_changes_nothing(client, rep, quote):
    # given: the edit page was open while the quote was sent
    client.force_login(rep)
    data = _terms(quote, notes="Sneaked in")
    quote_send(quote=quote, by=rep)
    sent = _fresh(quote)

    # when: the form is submitted with the current version, and the edit page is opened again
    response = client.post(reverse("sales:quote-update", kwargs={"pk": quote.pk}), {**data, "version": sent.version})
    reopened = client.get(reverse("sales:quote-update", kwargs={"pk": quote.pk}), follow=True)

    # then
    assert response.status_code == 200
    assert "Only a draft quote can be changed; this one is sent." in page_text(response)
    assert "Only a draft quote can be changed; this one is sent." in page_text(reopened)
    after = _fresh(quote)
    assert (after.notes, after.version, after.status) == ("Payment within 30 days.", sent.version, "sent")


def test_a_concurrent_edit_shows_what_changed_keeps_the_users_values_and_changes_nothing(client, rep, manager, quote):
    # given: the rep opened the form at version 1; the manager changed the notes meanwhile
    from sales.services.quotes import quote_update

    quote_update(quote=_fresh(quote), by=manager, expected_version=1, notes="Manager's terms")
    client.force_login(rep)

    # when
    response = client.post(
        reverse("sales:quote-update", kwargs={"pk": quote.pk}), _terms(quote, notes="Rep's terms", version=1)
    )

    # then
    text = page_text(response)
    assert response.status_code == 200
    assert "Someone else changed this record after you opened it." in text
    assert "Manager&#x27;s terms" in response.content.decode() or "Manager's terms" in text
    assert "Rep's terms" in text  # the user's value is still in the form
    after = _fresh(quote)
    assert (after.notes, after.version) == ("Manager's terms", 2)
    # and: saving again on purpose replaces them
    again = client.post(
        reverse("sales:quote-update", kwargs={"pk": quote.pk}), _terms(quote, notes="Rep's terms", version=2)
    )
    assert again.status_code == 302 and _fresh(quote).notes == "Rep's terms"


# Lines -------------------------------------------------------------------------------------------------------------


def _line_url(name, quote, line=None):
    kwargs = {"pk": quote.pk, **({"line_pk": line.pk} if line else {})}
    return reverse(f"sales:{name}", kwargs=kwargs)


def test_a_line_added_to_a_draft_is_priced_from_the_catalogue(client, rep, quote):
    licence = ProductFactory(sku="LIC", name="Fleet licence", unit_price=Decimal("250.00"), currency="EUR")
    client.force_login(rep)

    response = client.post(
        _line_url("quote-line-create", quote),
        {"product": licence.pk, "quantity": "2", "discount_percent": "5", "version": quote.version},
        follow=True,
    )

    assert "Fleet licence was added." in page_text(response)
    line = QuoteLine.objects.get(quote=quote, product=licence)
    assert (line.quantity, line.unit_price, line.discount_percent) == (2, Decimal("250.00"), Decimal("5"))
    assert "Total 634.76 EUR" in section_text(response, "lines-heading")  # 528.97 + 20 % tax (105.79)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "-1"}, "Quantities must be at least 1."),
        ({"quantity": "0"}, "Quantities must be at least 1."),
        ({"quantity": "two"}, "Enter a whole number."),
        ({"discount_percent": "101"}, "A discount is between 0 and 100 %."),
        ({"discount_percent": "-5"}, "A discount is between 0 and 100 %."),
        ({"product": ""}, "This field is required."),
    ],
)
def test_bad_line_input_shows_a_message_and_changes_nothing(client, rep, quote, scanner, change, message):
    client.force_login(rep)
    before = list(QuoteLine.objects.values_list("pk", "quantity", "discount_percent"))

    response = client.post(
        _line_url("quote-line-create", quote),
        {"product": scanner.pk, "quantity": "1", "discount_percent": "0", "version": quote.version, **change},
    )

    assert response.status_code == 200 and message in page_text(response)
    assert list(QuoteLine.objects.values_list("pk", "quantity", "discount_percent")) == before
    assert _fresh(quote).version == quote.version


def test_a_product_in_another_currency_is_not_offered_nor_taken(client, rep, quote):
    dollars = ProductFactory(sku="USD-1", name="Dollar item", currency="USD")
    client.force_login(rep)

    page = client.get(quote.get_absolute_url()).content.decode()
    response = client.post(
        _line_url("quote-line-create", quote),
        {"product": dollars.pk, "quantity": "1", "discount_percent": "0", "version": quote.version},
    )

    assert "Dollar item" not in page
    assert "Choose an active product priced in this currency." in page_text(response)
    assert not QuoteLine.objects.filter(product=dollars).exists()


def test_changing_and_removing_a_line(client, rep, quote):
    line = quote.lines.get()
    client.force_login(rep)

    changed = client.post(
        _line_url("quote-line-update", quote, line), {"quantity": "5", "discount_percent": "0", "version": 1}
    )
    removed = client.post(_line_url("quote-line-remove", quote, line), {"version": 2}, follow=True)

    assert changed.status_code == 302
    assert "Barcode scanner was removed." in page_text(removed)
    assert not QuoteLine.objects.exists() and _fresh(quote).version == 3


def test_a_line_change_on_a_stale_page_is_refused_and_changes_nothing(client, rep, quote):
    line = quote.lines.get()
    client.force_login(rep)
    client.post(_line_url("quote-line-update", quote, line), {"quantity": "5", "discount_percent": "0", "version": 1})

    response = client.post(
        _line_url("quote-line-update", quote, line), {"quantity": "9", "discount_percent": "0", "version": 1}
    )
    removed = client.post(_line_url("quote-line-remove", quote, line), {"version": 1}, follow=True)

    assert "Someone else changed this record after you opened it." in page_text(response)
    assert "Someone else changed this record after you opened it. Check it and try again." in page_text(removed)
    assert QuoteLine.objects.get().quantity == 5 and _fresh(quote).version == 2


def test_lines_of_a_sent_quote_are_not_changed(client, rep, quote, scanner):
    line = quote.lines.get()
    quote_send(quote=quote, by=rep)
    client.force_login(rep)

    page = client.get(_line_url("quote-line-create", quote), follow=True)
    added = client.post(_line_url("quote-line-create", quote), {"product": scanner.pk, "quantity": "1", "version": 2})
    removed = client.post(_line_url("quote-line-remove", quote, line), {"version": 2}, follow=True)

    for response in (page, added, removed):
        assert "Only a draft quote can be changed; this one is sent." in page_text(response)
    assert QuoteLine.objects.count() == 1


# Status buttons and delete ------------------------------------------------------------------------------------------


def test_send_and_accept_buttons_say_what_happened(client, rep, quote, opportunity):
    earlier = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=earlier, by=rep)
    client.force_login(rep)

    sent = client.post(reverse("sales:quote-send", kwargs={"pk": quote.pk}), {"version": 1}, follow=True)
    accepted = client.post(reverse("sales:quote-accept", kwargs={"pk": quote.pk}), {"version": 2}, follow=True)

    assert f"{quote.number} was marked sent." in page_text(sent)
    text = page_text(accepted)
    assert f"{quote.number} was accepted. Win the opportunity to turn it into an order." in text
    assert f"The opportunity's other offers were declined: {earlier.number}." in text
    assert _fresh(earlier).status == "declined"


def test_a_status_button_on_a_stale_page_is_refused(client, rep, quote):
    quote_send(quote=quote, by=rep)
    client.force_login(rep)

    response = client.post(reverse("sales:quote-decline", kwargs={"pk": quote.pk}), {"version": 1}, follow=True)

    assert "Someone else changed this quote after you opened it. Check it and try again." in page_text(response)
    assert _fresh(quote).status == "sent"


def test_a_refused_transition_says_why(client, rep, quote):
    client.force_login(rep)

    response = client.post(reverse("sales:quote-accept", kwargs={"pk": quote.pk}), {"version": 1}, follow=True)

    assert "Only a sent quote can be accepted." in page_text(response)
    assert _fresh(quote).status == "draft"


def test_deleting_a_draft_moves_it_to_the_recycle_bin_but_an_accepted_one_is_kept(client, rep, quote, opportunity):
    accepted = quote_create(opportunity=opportunity, by=rep)
    quote_send(quote=accepted, by=rep)
    quote_accept(quote=_fresh(accepted), by=rep)
    client.force_login(rep)

    confirm = client.get(reverse("sales:quote-delete", kwargs={"pk": quote.pk}))
    deleted = client.post(reverse("sales:quote-delete", kwargs={"pk": quote.pk}), follow=True)
    kept = client.post(reverse("sales:quote-delete", kwargs={"pk": accepted.pk}))

    assert confirm.status_code == 200 and "recycle bin" in page_text(confirm)
    assert deleted.redirect_chain[-1][0] == opportunity.get_absolute_url()
    assert f"Quote “{quote.number}” was moved to the recycle bin." in page_text(deleted)
    assert "An accepted quote cannot be deleted" in page_text(kept)
    assert _fresh(quote).deletion is not None and _fresh(accepted).deletion is None
    assert "Delete" not in visible_text(client.get(accepted.get_absolute_url())).split("Printable quote")[1][:20]


def test_the_history_page_lists_status_changes_with_who(client, rep, manager, quote):
    quote_send(quote=quote, by=manager)
    client.force_login(rep)

    response = client.get(reverse("sales:quote-history", kwargs={"pk": quote.pk}))

    text = visible_text(response)
    assert response.status_code == 200
    assert "Changed by Mona Manager" in text and "Status Draft → Sent" in text and "Created by Rita Rep" in text
