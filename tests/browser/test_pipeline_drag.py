"""A rep drags a card on the pipeline board to another stage: saved without a page load, counts updated; a card
dropped on "Lost" asks for the reason first."""

import pytest

from sales.models import Opportunity, StageChange
from tests.browser.test_customer_journey import browser_page  # noqa: F401  (the fixture)
from tests.factories.customers import PASSWORD, CustomerFactory, RepFactory
from tests.factories.sales import OpportunityFactory, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_rep_drags_a_card_to_the_next_stage_and_it_is_saved(live_server, browser_page):  # noqa: F811
    # given: a rep with one opportunity in prospecting
    page = browser_page
    rep = RepFactory(username="rep.board", first_name="Bea", last_name="Board")
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=rep, name="Harbour Lights Ltd"), title="Cranes")
    proposal = stage("proposal")
    _sign_in(page, live_server, "rep.board")
    page.goto(f"{live_server.url}/sales/pipeline/")
    card = page.locator(f"[data-card='{opportunity.pk}']")
    column = page.locator(f"section[data-drop-stage='{proposal.pk}']")

    # when: the card is dragged onto the proposal column
    card.drag_to(column.locator("[data-cards]"))

    # then: the board says so, the column counts it, and the move is stored with its stage change
    page.wait_for_selector("[data-board-status].alert-success")
    assert "moved to Proposal" in page.locator("[data-board-status]").inner_text()
    assert column.locator("[data-testid=column-count]").inner_text() == "1"
    assert column.locator(f"[data-card='{opportunity.pk}']").count() == 1
    opportunity.refresh_from_db()
    assert opportunity.stage == proposal and opportunity.version == 2
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=proposal).exists()

    # and: after a reload the card is still in its new column
    page.reload()
    assert column.locator(f"[data-card='{opportunity.pk}']").count() == 1


def test_dropping_on_lost_asks_for_the_reason_and_puts_the_card_back_without_one(live_server, browser_page):  # noqa: F811
    page = browser_page
    rep = RepFactory(username="rep.board", first_name="Bea", last_name="Board")
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=rep), title="Cranes")
    lost = stage("lost")
    _sign_in(page, live_server, "rep.board")
    page.goto(f"{live_server.url}/sales/pipeline/")
    prompts = []

    def dismiss(dialog):
        prompts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    card = page.locator(f"[data-card='{opportunity.pk}']")

    card.drag_to(page.locator(f"[data-drop-stage='{lost.pk}']"))

    page.wait_for_selector("[data-board-status].alert-danger")
    assert prompts == ["Why was this opportunity lost?"]
    assert "Say why the opportunity was lost." in page.locator("[data-board-status]").inner_text()
    assert (
        page.locator(f"section[data-drop-stage='{opportunity.stage_id}'] [data-card='{opportunity.pk}']").count() == 1
    )
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id == opportunity.stage_id
