"""The back office saves opportunities and products through the same services as the pages: a stage change in
the admin is recorded like one on the board, reach limits what a staff rep sees, and only administrators change
the stages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sales.models import Opportunity, Product, Stage, StageChange
from tests.factories.customers import CustomerFactory
from tests.factories.sales import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


def _opportunity_form(opportunity, **changes):
    data = {
        "customer": opportunity.customer_id,
        "contact": "",
        "title": opportunity.title,
        "amount": str(opportunity.amount),
        "currency": opportunity.currency,
        "stage": opportunity.stage_id,
        "probability": opportunity.probability,
        "expected_close_date": "",
        "owner": opportunity.owner_id,
        "source": "",
        "lost_reason": "",
        "next_step": "",
        "seen_version": opportunity.version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "stage_changes-TOTAL_FORMS": "0",
        "stage_changes-INITIAL_FORMS": "0",
        "stage_changes-MIN_NUM_FORMS": "0",
        "stage_changes-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_stage_change_in_the_admin_is_recorded_like_a_move(client, administrator, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:sales_opportunity_change", args=[opportunity.pk]),
        _opportunity_form(opportunity, stage=stage("negotiation").pk),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "negotiation" and opportunity.probability == 75 and opportunity.version == 2
    change = StageChange.objects.get(opportunity=opportunity)
    assert change.from_stage.code == "prospecting" and change.changed_by == administrator


def test_admin_lost_without_reason_is_refused(client, administrator, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:sales_opportunity_change", args=[opportunity.pk]),
        _opportunity_form(opportunity, stage=stage("lost").pk),
    )

    assert response.status_code == 200 and "Say why the opportunity was lost." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "prospecting"


def test_staff_manager_sees_only_the_teams_opportunities(client, staff_manager, rep, outsider, customer):
    OpportunityFactory(customer=customer, title="North deal")
    south = OpportunityFactory(customer=CustomerFactory(owner=outsider), title="South deal")
    client.force_login(staff_manager)

    body = client.get(reverse("admin:sales_opportunity_changelist")).content.decode()

    assert "North deal" in body and "South deal" not in body
    response = client.get(reverse("admin:sales_opportunity_change", args=[south.pk]))
    assert response.status_code == 302  # the admin's "doesn't exist" redirect


def test_only_administrators_change_stages(client, staff_manager, administrator):
    proposal = stage("proposal")
    url = reverse("admin:sales_stage_change", args=[proposal.pk])
    data = {"code": "proposal", "name": "Proposal", "position": 30, "probability": 60, "outcome": "open"}

    client.force_login(staff_manager)
    assert client.post(url, data).status_code == 403
    assert Stage.objects.get(pk=proposal.pk).probability == 50

    client.force_login(administrator)
    assert client.post(url, data).status_code == 302
    assert Stage.objects.get(pk=proposal.pk).probability == 60


def test_product_price_change_in_the_admin_keeps_history(client, administrator):
    product = ProductFactory(unit_price=Decimal("10.00"))
    client.force_login(administrator)

    response = client.post(
        reverse("admin:sales_product_change", args=[product.pk]),
        {
            "sku": product.sku,
            "name": product.name,
            "category": "",
            "unit_price": "14.00",
            "currency": "EUR",
            "stock_on_hand": "3",
            "active": "on",
            "seen_version": 1,
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    product = Product.objects.get(pk=product.pk)
    assert product.unit_price == Decimal("14.00") and product.version == 2
    assert product.history.count() == 2


def test_admin_delete_goes_to_the_recycle_bin(client, administrator, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(administrator)

    client.post(reverse("admin:sales_opportunity_delete", args=[opportunity.pk]), {"post": "yes"})

    assert not Opportunity.objects.exists() and Opportunity.all_objects.filter(pk=opportunity.pk).exists()
