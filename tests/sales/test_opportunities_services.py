"""The opportunity services: reach, owners, contacts, the version check, stage moves and their history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from customers.models import Customer
from records.models import Deletion
from records.versioning import StaleVersionError
from sales.models import Opportunity, StageChange
from sales.services.opportunities import (
    lead_qualify,
    opportunity_create,
    opportunity_delete,
    opportunity_move_stage,
    opportunity_update,
)
from tests.factories.customers import ContactFactory, CustomerFactory
from tests.factories.sales import OpportunityFactory, stage

pytestmark = pytest.mark.django_db


def test_create_starts_in_first_open_stage_with_its_probability_and_records_the_entry(rep, customer):
    opportunity = opportunity_create(by=rep, customer=customer, title="Fleet renewal", amount=Decimal("1200"))

    assert opportunity.stage.code == "prospecting"
    assert opportunity.probability == 10
    assert opportunity.owner == rep
    change = opportunity.stage_changes.get()
    assert change.from_stage is None and change.to_stage.code == "prospecting" and change.changed_by == rep


def test_create_for_another_owners_customer_is_refused(rep, foreign_customer):
    with pytest.raises(ValidationError) as caught:
        opportunity_create(by=rep, customer=foreign_customer, title="Poached", amount=Decimal("1"))

    assert "customer" in caught.value.error_dict
    assert not Opportunity.objects.exists()


def test_create_with_owner_outside_the_users_reach_is_refused(rep, outsider, customer):
    with pytest.raises(ValidationError) as caught:
        opportunity_create(by=rep, customer=customer, owner=outsider, title="Handed over", amount=Decimal("1"))

    assert "owner" in caught.value.error_dict


def test_contact_of_another_customer_is_refused(rep, customer):
    other_contact = ContactFactory(customer=CustomerFactory(owner=rep))

    with pytest.raises(ValidationError) as caught:
        opportunity_create(by=rep, customer=customer, contact=other_contact, title="Mixed up", amount=Decimal("1"))

    assert "contact" in caught.value.error_dict


def test_move_records_change_with_days_in_previous_stage_and_raises_version(rep, customer):
    # given: an opportunity that entered its stage three days ago
    opportunity = OpportunityFactory(customer=customer, stage_entered_at=timezone.now() - timezone.timedelta(days=3))

    # when
    moved = opportunity_move_stage(opportunity=opportunity, to_stage=stage("proposal"), by=rep, expected_version=1)

    # then
    moved.refresh_from_db()
    assert moved.stage.code == "proposal" and moved.probability == 50 and moved.version == 2
    assert moved.closed_at is None
    change = StageChange.objects.get(opportunity=moved)
    assert change.from_stage.code == "prospecting" and change.to_stage.code == "proposal"
    assert change.changed_by == rep
    assert Decimal("2.99") <= change.days_in_previous <= Decimal("3.01")


def test_move_keeps_a_probability_given_with_it(rep, customer):
    opportunity = OpportunityFactory(customer=customer)

    moved = opportunity_move_stage(opportunity=opportunity, to_stage=stage("proposal"), by=rep, probability=65)

    assert moved.probability == 65


def test_moving_to_won_sets_closed_at_and_reopening_clears_it(rep, customer):
    opportunity = OpportunityFactory(customer=customer)

    won = opportunity_move_stage(opportunity=opportunity, to_stage=stage("won"), by=rep)
    assert won.closed_at is not None and won.probability == 100

    reopened = opportunity_move_stage(opportunity=won, to_stage=stage("negotiation"), by=rep)
    assert reopened.closed_at is None


def test_moving_to_lost_without_reason_is_refused_and_changes_nothing(rep, customer):
    opportunity = OpportunityFactory(customer=customer)

    with pytest.raises(ValidationError) as caught:
        opportunity_move_stage(opportunity=opportunity, to_stage=stage("lost"), by=rep)

    assert "lost_reason" in caught.value.error_dict
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "prospecting" and opportunity.version == 1
    assert not StageChange.objects.filter(opportunity=opportunity).exists()


def test_moving_to_lost_with_reason_closes_it(rep, customer):
    opportunity = OpportunityFactory(customer=customer)

    lost = opportunity_move_stage(opportunity=opportunity, to_stage=stage("lost"), by=rep, lost_reason="Budget cut")

    assert lost.lost_reason == "Budget cut" and lost.closed_at is not None and lost.probability == 0


def test_stale_version_is_refused(rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    opportunity_move_stage(opportunity=opportunity, to_stage=stage("proposal"), by=rep)

    with pytest.raises(StaleVersionError):
        opportunity_update(
            opportunity=Opportunity.objects.get(pk=opportunity.pk), by=rep, expected_version=1, title="x"
        )


def test_outsider_cannot_move_someone_elses_opportunity(outsider, customer):
    opportunity = OpportunityFactory(customer=customer)

    with pytest.raises(PermissionDenied):
        opportunity_move_stage(opportunity=opportunity, to_stage=stage("proposal"), by=outsider)

    assert not StageChange.objects.filter(opportunity=opportunity).exists()


def test_update_with_new_stage_goes_through_the_move_and_follows_its_probability(rep, customer):
    opportunity = OpportunityFactory(customer=customer)

    updated = opportunity_update(
        opportunity=opportunity,
        by=rep,
        expected_version=1,
        stage=stage("negotiation"),
        probability=opportunity.probability,
        title="Renamed",
    )

    assert updated.title == "Renamed" and updated.probability == 75 and updated.version == 2
    assert StageChange.objects.filter(opportunity=updated, to_stage__code="negotiation").exists()


def test_manager_reaches_team_opportunities_and_reassigns_within_team(manager, teammate, customer):
    opportunity = OpportunityFactory(customer=customer)

    updated = opportunity_update(opportunity=opportunity, by=manager, owner=teammate)

    assert updated.owner == teammate


def test_delete_moves_to_recycle_bin(rep, customer):
    opportunity = OpportunityFactory(customer=customer)

    opportunity_delete(opportunity=opportunity, by=rep)

    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert Opportunity.all_objects.filter(pk=opportunity.pk).exists()
    assert Deletion.objects.count() == 1


def test_qualifying_a_lead_makes_it_a_prospect_with_its_first_opportunity(rep):
    lead = CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.LEAD)

    opportunity = lead_qualify(customer=lead, by=rep, title="First order", amount=Decimal("900"))

    lead.refresh_from_db()
    assert lead.lifecycle_stage == Customer.Stage.PROSPECT
    assert opportunity.customer == lead and opportunity.owner == rep and opportunity.stage.code == "prospecting"


def test_qualifying_a_customer_that_is_no_lead_is_refused_and_opens_nothing(rep, customer):
    with pytest.raises(ValidationError):
        lead_qualify(customer=customer, by=rep, title="Again", amount=Decimal("1"))

    assert not Opportunity.objects.exists()


def test_a_refused_opportunity_leaves_the_lead_a_lead(rep):
    lead = CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.LEAD)

    with pytest.raises(ValidationError):
        lead_qualify(customer=lead, by=rep, title="", amount=Decimal("1"))

    lead.refresh_from_db()
    assert lead.lifecycle_stage == Customer.Stage.LEAD
