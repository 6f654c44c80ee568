"""Demo opportunities: believable stage histories, won and lost among them, and a second run adds nothing."""

import pytest

from customers.models import Customer
from sales.demo import opportunities_seed
from sales.models import Opportunity
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


def test_seeding_gives_prospects_and_customers_opportunities_with_their_histories(rep):
    # given
    for _ in range(30):
        CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.CUSTOMER)
    lead = CustomerFactory(owner=rep, lifecycle_stage=Customer.Stage.LEAD)

    # when
    created = opportunities_seed(seed=7)

    # then
    assert created == Opportunity.objects.count() >= 30
    assert not Opportunity.objects.filter(customer=lead).exists()
    outcomes = set(Opportunity.objects.values_list("stage__outcome", flat=True))
    assert outcomes == {"open", "won", "lost"}
    for opportunity in Opportunity.objects.prefetch_related("stage_changes"):
        changes = list(opportunity.stage_changes.all())
        assert changes[0].from_stage_id is None and changes[-1].to_stage_id == opportunity.stage_id
        assert all(c.days_in_previous > 0 for c in changes[1:])
        assert opportunity.owner_id == rep.pk and opportunity.created_at <= opportunity.stage_entered_at
        if opportunity.stage.outcome == "lost":
            assert opportunity.lost_reason and opportunity.closed_at
    assert opportunities_seed(seed=7) == 0
