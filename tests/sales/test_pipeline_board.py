"""The pipeline board: columns of open stages with totals added up by the database, capped cards, filters, and
moves by script (JSON) or by each card's form."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team
from sales.models import StageChange
from sales.selectors.opportunities import pipeline_board
from sales.views.opportunities import PipelineBoardView
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory, stage

pytestmark = pytest.mark.django_db
BOARD = reverse("sales:pipeline")


def _move_url(opportunity):
    return reverse("sales:opportunity-move", args=[opportunity.pk])


def test_board_shows_open_columns_with_count_total_and_weighted_total(client, rep, customer):
    # given: two proposals (50%) and a won one, which the board leaves out
    OpportunityFactory(customer=customer, stage=stage("proposal"), amount=Decimal("1000"), title="Fleet renewal")
    OpportunityFactory(customer=customer, stage=stage("proposal"), amount=Decimal("3000"))
    OpportunityFactory(customer=customer, stage=stage("won"), amount=Decimal("999"), title="Already won")
    client.force_login(rep)

    # when
    response = client.get(BOARD)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fleet renewal" in body and "Acme Logistics Ltd" in body
    assert "Already won" not in body
    proposal = next(c for c in response.context["columns"] if c.stage.code == "proposal")
    assert proposal.count == 2
    assert proposal.totals[0].total == Decimal("4000") and proposal.totals[0].weighted == Decimal("2000.00")
    assert "4,000.00 EUR" in body and "weighted 2,000.00 EUR" in body
    assert [c.stage.code for c in response.context["columns"]] == [
        "prospecting",
        "qualification",
        "proposal",
        "negotiation",
    ]


def test_totals_come_from_one_grouped_query_and_cards_are_capped(rep, customer):
    for _ in range(5):
        OpportunityFactory(customer=customer, stage=stage("proposal"))

    with CaptureQueriesContext(connection) as queries:
        columns = pipeline_board(user=rep, per_column=3)

    proposal = next(c for c in columns if c.stage.code == "proposal")
    assert proposal.count == 5 and len(proposal.cards) == 3 and proposal.more == 2
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert len(grouped) == 1


def test_more_cards_than_the_cap_link_to_the_filtered_list(client, rep, customer, monkeypatch):
    monkeypatch.setattr(PipelineBoardView, "cards_per_column", 2)
    for _ in range(4):
        OpportunityFactory(customer=customer, stage=stage("proposal"))
    client.force_login(rep)

    body = client.get(BOARD).content.decode()

    assert "and 2 more" in body
    assert f"?stage={stage('proposal').pk}" in body


def test_rep_sees_only_own_opportunities_manager_the_team(client, rep, teammate, outsider, manager, customer):
    OpportunityFactory(customer=customer, title="Rita deal")
    OpportunityFactory(customer=CustomerFactory(owner=teammate), title="Tom deal")
    OpportunityFactory(customer=CustomerFactory(owner=outsider), title="Otto deal")

    client.force_login(rep)
    body = client.get(BOARD).content.decode()
    assert "Rita deal" in body and "Tom deal" not in body and "Otto deal" not in body

    client.force_login(manager)
    body = client.get(BOARD).content.decode()
    assert "Rita deal" in body and "Tom deal" in body and "Otto deal" not in body


def test_administrator_sees_every_opportunity(client, administrator, rep, outsider, customer):
    OpportunityFactory(customer=customer, title="Rita deal")
    OpportunityFactory(customer=CustomerFactory(owner=outsider), title="Otto deal")
    client.force_login(administrator)

    body = client.get(BOARD).content.decode()

    assert "Rita deal" in body and "Otto deal" in body


def test_filters_by_owner_and_close_month(client, manager, rep, teammate, customer):
    OpportunityFactory(customer=customer, title="March deal", expected_close_date="2027-03-10")
    OpportunityFactory(customer=customer, title="April deal", expected_close_date="2027-04-10")
    OpportunityFactory(
        customer=CustomerFactory(owner=teammate), title="Tom March deal", expected_close_date="2027-03-11"
    )
    client.force_login(manager)

    body = client.get(BOARD, {"owner": rep.pk, "close_month": "2027-03"}).content.decode()

    assert "March deal" in body and "April deal" not in body and "Tom March deal" not in body


def test_filter_by_team_shows_its_members_deals(client, administrator, rep, outsider, manager, customer):
    OpportunityFactory(customer=customer, title="North deal")
    OpportunityFactory(customer=CustomerFactory(owner=outsider), title="South deal")
    client.force_login(administrator)
    north = Team.objects.get(name="North")

    body = client.get(BOARD, {"team": north.pk}).content.decode()

    assert "North deal" in body and "South deal" not in body


def test_invalid_close_month_shows_an_error(client, rep):
    client.force_login(rep)

    response = client.get(BOARD, {"close_month": "March"})

    assert response.status_code == 200
    assert "Enter a month as YYYY-MM." in response.content.decode()


def test_script_move_saves_and_answers_the_new_column_totals(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, stage=stage("prospecting"), amount=Decimal("800"))
    client.force_login(rep)

    response = client.post(
        _move_url(opportunity),
        {"stage": stage("proposal").pk, "version": 1},
        HTTP_ACCEPT="application/json",
    )

    data = json.loads(response.content)
    assert response.status_code == 200 and data["ok"] is True and data["version"] == 2
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "proposal"
    proposal = next(c for c in data["columns"] if c["stage"] == stage("proposal").pk)
    assert (
        proposal["count"] == 1
        and "800.00 EUR" in proposal["totals_html"]
        and "weighted 400.00 EUR" in proposal["totals_html"]
    )
    assert StageChange.objects.filter(opportunity=opportunity, to_stage__code="proposal").exists()


def test_script_move_to_lost_without_reason_is_refused_and_points_to_the_form(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)

    response = client.post(
        _move_url(opportunity), {"stage": stage("lost").pk, "version": 1}, HTTP_ACCEPT="application/json"
    )

    data = json.loads(response.content)
    assert response.status_code == 400 and data["ok"] is False
    assert "Say why the opportunity was lost." in data["error"]
    assert data["form_url"] == reverse("sales:opportunity-update", args=[opportunity.pk])
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "prospecting" and opportunity.version == 1


def test_script_move_to_lost_with_reason_is_saved(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)

    response = client.post(
        _move_url(opportunity),
        {"stage": stage("lost").pk, "version": 1, "lost_reason": "Chose a competitor"},
        HTTP_ACCEPT="application/json",
    )

    assert json.loads(response.content)["ok"] is True
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "lost" and opportunity.lost_reason == "Chose a competitor"


def test_script_move_from_a_stale_board_is_refused_with_409(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, version=3)
    client.force_login(rep)

    response = client.post(
        _move_url(opportunity), {"stage": stage("proposal").pk, "version": 2}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 409 and "Reload the board" in json.loads(response.content)["error"]
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "prospecting"


def test_form_move_without_javascript_redirects_to_the_board_with_a_message(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer, title="Fleet renewal")
    client.force_login(rep)

    response = client.post(
        _move_url(opportunity),
        {"stage": stage("negotiation").pk, "version": 1, "board_query": "close_month=2027-03"},
        follow=True,
    )

    assert response.redirect_chain[0][0] == f"{BOARD}?close_month=2027-03"
    assert "“Fleet renewal” moved to Negotiation." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "negotiation"


def test_form_move_to_lost_sends_the_user_to_the_edit_form(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)

    response = client.post(_move_url(opportunity), {"stage": stage("lost").pk, "version": 1})

    assert response.status_code == 302
    assert response.url == reverse("sales:opportunity-update", args=[opportunity.pk])


def test_move_to_unknown_stage_is_refused(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)

    response = client.post(_move_url(opportunity), {"stage": 99999, "version": 1}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    opportunity.refresh_from_db()
    assert opportunity.version == 1


def test_move_of_another_owners_opportunity_is_404(client, outsider, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(outsider)

    response = client.post(_move_url(opportunity), {"stage": stage("proposal").pk}, HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "prospecting"


def test_move_answers_405_to_get(client, rep, customer):
    client.force_login(rep)

    assert client.get(_move_url(OpportunityFactory(customer=customer))).status_code == 405


def test_cards_of_every_column_come_in_the_same_few_queries_soonest_close_first(rep, customer):
    # given: cards in one column, then in all four
    today = customer.created_at.date()
    OpportunityFactory(customer=customer, stage=stage("prospecting"), expected_close_date=today.replace(day=28))
    pipeline_board(user=rep)  # the rep's permissions are read once, then cached on the user
    with CaptureQueriesContext(connection) as one_column:
        pipeline_board(user=rep)
    for code in ("qualification", "proposal", "negotiation"):
        OpportunityFactory(customer=customer, stage=stage(code))
    OpportunityFactory(customer=customer, stage=stage("prospecting"), expected_close_date=None, title="Undated")
    OpportunityFactory(customer=customer, stage=stage("prospecting"), expected_close_date=today.replace(day=1))

    # when
    with CaptureQueriesContext(connection) as four_columns:
        columns = pipeline_board(user=rep)

    # then
    if connection.features.supports_slicing_ordering_in_compound:
        assert len(four_columns) == len(one_column)
    else:  # SQLite reads each column's ids on their own
        assert len(four_columns) == len(one_column) + 3
    assert all(column.cards for column in columns)
    prospecting = columns[0].cards
    assert [o.expected_close_date for o in prospecting[:2]] == [today.replace(day=1), today.replace(day=28)]
    assert prospecting[-1].title == "Undated"


@pytest.mark.skipif(
    not connection.features.supports_slicing_ordering_in_compound,
    reason="on a database that cannot order the parts of a UNION (SQLite) the columns are read one by one",
)
def test_manager_board_takes_at_most_12_queries(
    client, manager, rep, teammate, customer, django_assert_max_num_queries
):
    for code in ("prospecting", "qualification", "proposal", "negotiation"):
        OpportunityFactory(customer=customer, stage=stage(code))
        OpportunityFactory(customer=CustomerFactory(owner=teammate), stage=stage(code))
    client.force_login(manager)
    client.get(BOARD)

    with django_assert_max_num_queries(12):
        response = client.get(BOARD)

    assert response.status_code == 200 and "Acme Logistics Ltd" in response.content.decode()


def test_a_card_shows_the_deal_and_a_form_moving_it_without_javascript(client, manager, rep, customer):
    # given
    opportunity = OpportunityFactory(
        customer=customer, owner=rep, title="Fleet <renewal>", stage=stage("proposal"), amount=Decimal("1250.5")
    )
    client.force_login(manager)

    # when
    body = client.get(BOARD).content.decode()

    # then
    card = body[
        body.index(f'data-card="{opportunity.pk}"') : body.index(
            "</article>", body.index(f'data-card="{opportunity.pk}"')
        )
    ]
    assert "Acme Logistics Ltd" in card and "Fleet &lt;renewal&gt;" in card and "1,250.50 EUR" in card
    assert "Rita Rep" in card  # the owner, for a manager
    assert f'href="{opportunity.get_absolute_url()}"' in card and f'action="{_move_url(opportunity)}"' in card
    assert 'name="csrfmiddlewaretoken" value="' in card
    assert f'<option value="{stage("proposal").pk}" selected>Proposal</option>' in card
    assert f'<option value="{stage("won").pk}">Won</option>' in card
