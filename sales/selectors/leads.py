"""Reads for web-to-lead forms: the public form by its key, and the reps a form's leads go to."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Team
from accounts.roles import SALES_REP
from sales.models import LeadForm


def lead_form_get_public(*, key: str) -> LeadForm:
    """The active form with this public key, its team and manager preloaded; Http404 for an unknown, retired or
    inactive key (which of them is not told)."""
    return get_object_or_404(LeadForm.objects.select_related("team__manager"), public_key=key, active=True)


def lead_form_reps(*, team: Team) -> QuerySet:
    """Who a team's new leads go to, in round-robin order (by id): its members who are active and still sales reps."""
    return get_user_model().objects.filter(teams=team, is_active=True, groups__name=SALES_REP).distinct().order_by("pk")
