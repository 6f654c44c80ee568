"""The customer page's sales: the opportunities card (open ones, counts of won and lost) and the timeline, where
opportunities opened, won and lost and orders appear among the interactions, newest first; only what the user
reaches, in a number of queries that does not grow with them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import SUPPORT_AGENT
from sales.models import Order, StageChange
from sales.services.opportunities import opportunity_create, opportunity_move_stage
from tests.customers._support import section_text, visible_text
from tests.factories.customers import InteractionFactory, UserFactory
from tests.factories.sales import OpportunityFactory, stage

pytestmark = pytest.mark.django_db


def _order(customer, number, when, status=Order.Status.CONFIRMED):
    return Order.objects.create(number=number, customer=customer, ordered_at=when, status=status, currency="EUR")


def test_the_opportunities_card_lists_open_ones_soonest_close_first_and_counts_the_rest(client, rep, customer):
    today = timezone.localdate()
    OpportunityFactory(
        customer=customer, title="Cranes", amount=Decimal("1200"), expected_close_date=today + timedelta(days=40)
    )
    OpportunityFactory(
        customer=customer,
        title="Scanners",
        amount=Decimal("300"),
        stage=stage("proposal"),
        expected_close_date=today + timedelta(days=5),
    )
    OpportunityFactory(customer=customer, title="Old deal", stage=stage("won"))
    OpportunityFactory(customer=customer, title="Lost deal", stage=stage("lost"), lost_reason="Price")
    client.force_login(rep)

    card = section_text(client.get(customer.get_absolute_url()), "opportunities-heading")

    assert "2 open 1 won 1 lost" in card
    assert card.index("Scanners") < card.index("Cranes")
    assert "Scanners 300.00 EUR Proposal closes" in card and "Cranes 1,200.00 EUR Prospecting closes" in card
    assert "Old deal" not in card and "Lost deal" not in card
    assert "New opportunity" in card


def test_the_card_and_timeline_show_only_opportunities_the_user_reaches(client, rep, teammate, manager, customer):
    # given: on the rep's customer, an opportunity a manager gave to the teammate
    opportunity_create(by=manager, customer=customer, owner=teammate, title="Teammate's deal", amount=Decimal("5"))
    opportunity_create(by=rep, customer=customer, title="Rep's deal", amount=Decimal("7"))

    client.force_login(rep)
    as_rep = client.get(customer.get_absolute_url())
    client.force_login(manager)
    as_manager = client.get(customer.get_absolute_url())

    assert "Teammate's deal" not in visible_text(as_rep) and "Rep's deal" in section_text(as_rep, "timeline-heading")
    assert "1 open" in section_text(as_rep, "opportunities-heading")
    assert "Teammate's deal" in section_text(as_manager, "opportunities-heading")
    assert "Teammate's deal" in section_text(as_manager, "timeline-heading")


def test_a_support_agent_reading_the_customer_sees_no_sales(client, customer):
    opportunity_create(by=customer.owner, customer=customer, title="Rep's deal", amount=Decimal("7"))
    _order(customer, "SO-9", timezone.now())
    client.force_login(UserFactory(username="support.agent", role=SUPPORT_AGENT))

    response = client.get(customer.get_absolute_url())

    text = visible_text(response)
    assert response.status_code == 200
    assert "Rep's deal" not in text and "SO-9" not in text and 'id="opportunities-heading"' not in text


def test_the_timeline_merges_interactions_opportunities_and_orders_newest_first(client, rep, customer):
    # given
    now = timezone.now()
    InteractionFactory(customer=customer, subject="Kick-off call", occurred_at=now - timedelta(days=10))
    opportunity = opportunity_create(by=rep, customer=customer, title="Fleet renewal", amount=Decimal("900"))
    StageChange.objects.filter(opportunity=opportunity).update(changed_at=now - timedelta(days=8))
    opportunity_move_stage(opportunity=opportunity, to_stage=stage("proposal"), by=rep)  # not on the timeline
    lost = opportunity_create(by=rep, customer=customer, title="Spare parts", amount=Decimal("50"))
    opportunity_move_stage(opportunity=lost, to_stage=stage("lost"), by=rep, lost_reason="Chose a competitor")
    StageChange.objects.filter(opportunity=lost).update(changed_at=now - timedelta(days=6))
    _order(customer, "SO-000777", now - timedelta(days=4))
    opportunity_move_stage(opportunity=opportunity, to_stage=stage("won"), by=rep)
    StageChange.objects.filter(opportunity=opportunity, to_stage=stage("won")).update(
        changed_at=now - timedelta(days=2)
    )
    client.force_login(rep)

    # when
    timeline = section_text(client.get(customer.get_absolute_url()), "timeline-heading")

    # then
    expected = [
        "Opportunity Won Fleet renewal",
        "Order SO-000777 Confirmed",
        "Opportunity Lost Spare parts",
        "Opportunity Opened Spare parts",
        "Opportunity Opened Fleet renewal",
        "Kick-off call",
    ]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)
    assert "Reason: Chose a competitor" in timeline and "Proposal" not in timeline


def test_deep_timeline_pages_merge_the_same_way_as_the_first(client, rep, customer):
    # given: 90 events, alternating interactions, orders and opportunity openings, an hour apart
    now = timezone.now()
    expected = []
    for hour in range(90):
        when = now - timedelta(hours=hour)
        if hour % 3 == 0:
            InteractionFactory(customer=customer, subject=f"Call {hour:02d}", occurred_at=when)
            expected.append(f"Call {hour:02d}")
        elif hour % 3 == 1:
            _order(customer, f"SO-{hour:06d}", when)
            expected.append(f"SO-{hour:06d}")
        else:
            opportunity = OpportunityFactory(customer=customer, title=f"Deal {hour:02d}")
            StageChange.objects.create(opportunity=opportunity, to_stage=opportunity.stage, changed_at=when)
            expected.append(f"Deal {hour:02d}")
    client.force_login(rep)

    for page in (1, 4, 5):
        # when
        timeline = section_text(client.get(customer.get_absolute_url(), {"page": page}), "timeline-heading")

        # then
        shown = [item for item in expected if f"{item} " in f"{timeline} "]
        assert shown == expected[(page - 1) * 20 : page * 20], page
    assert "Older" not in section_text(client.get(customer.get_absolute_url(), {"page": 5}), "timeline-heading")
    past_the_end = section_text(client.get(customer.get_absolute_url(), {"page": 9}), "timeline-heading")
    assert "Page 5" in past_the_end and expected[-1] in past_the_end


def test_the_customer_page_reads_the_same_few_queries_however_much_it_shows(client, rep, customer):
    def queries_for_page() -> int:
        client.get(customer.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            response = client.get(customer.get_absolute_url())
        assert response.status_code == 200
        return len(captured)

    client.force_login(rep)
    OpportunityFactory(customer=customer, title="One")
    _order(customer, "SO-1", timezone.now())
    InteractionFactory(customer=customer)
    few = queries_for_page()

    for number in range(2, 12):
        opportunity = OpportunityFactory(customer=customer, title=f"Deal {number}")
        StageChange.objects.create(opportunity=opportunity, to_stage=opportunity.stage)
        _order(customer, f"SO-{number}", timezone.now())
        InteractionFactory(customer=customer)
    many = queries_for_page()

    assert many == few
    assert many <= 16
