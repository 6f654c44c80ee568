"""Reads of analytics runs and their results, for the run pages and for the pages that show results elsewhere
(a customer's segment and scores, an opportunity's win probability, "bought together" on a product).

"The latest" always means the latest succeeded run over every record (no filters): the nightly run, or a
manager's unfiltered "run now", whichever finished last. Lists of customers or opportunities are narrowed to what
the reader reaches; totals (segment sizes, revenue shares, forecasts) are the run's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts import reach
from analytics.models import (
    AssociationRule,
    CustomerSegment,
    ForecastPoint,
    ForecastQuality,
    ModelQuality,
    RuleItem,
    Run,
    Score,
    SegmentProfile,
)
from customers.models import Customer
from sales.models import Opportunity

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sales.models import Product


def run_list_for(*, user: AbstractBaseUser) -> QuerySet[Run]:
    """Every run, newest first, with what the list shows preloaded. Runs are not owned records: whoever may read
    analytics reads the history."""
    return Run.objects.select_related("requested_by", "team", "owner", "segment").order_by("-queued_at", "-id")


def run_get(*, pk: int) -> Run:
    """One run (Http404 when there is none)."""
    return get_object_or_404(Run.objects.select_related("requested_by", "team", "owner", "segment__run"), pk=pk)


def run_latest(*, kind: str) -> Run | None:
    """The latest succeeded run of `kind` over every record (index analytics_run_latest), or None."""
    return (
        Run.objects.filter(
            kind=kind,
            status=Run.Status.SUCCEEDED,
            since__isnull=True,
            until__isnull=True,
            country="",
            team__isnull=True,
            owner__isnull=True,
            segment__isnull=True,
        )
        .order_by("-finished_at", "-id")
        .first()
    )


def customer_segment_latest(*, customer: Customer) -> CustomerSegment | None:
    """The customer's segment in the latest segments run (None: not segmented, or no run yet)."""
    run = run_latest(kind=Run.Kind.SEGMENTS)
    if run is None:
        return None
    return CustomerSegment.objects.select_related("segment").filter(run=run, customer=customer).first()


def customer_score_latest(*, customer: Customer, kind: str) -> Score | None:
    """The customer's churn risk or value in the latest run of `kind` (unique index run + customer)."""
    run = run_latest(kind=kind)
    return None if run is None else Score.objects.filter(run=run, customer=customer).first()


def opportunity_score_latest(*, opportunity: Opportunity) -> Score | None:
    """The opportunity's win probability in the latest win-probability run."""
    run = run_latest(kind=Run.Kind.WIN_SCORE)
    return None if run is None else Score.objects.filter(run=run, opportunity=opportunity).first()


def product_rules_latest(*, product: Product, limit: int = 5) -> list[AssociationRule]:
    """Rules of the latest rules run whose bought side is this product alone, strongest first, products loaded."""
    run = run_latest(kind=Run.Kind.RULES)
    if run is None:
        return []
    rules = AssociationRule.objects.filter(
        run=run,
        antecedent_count=1,
        items__product=product,
        items__side=RuleItem.Side.ANTECEDENT,
    ).order_by("position")[:limit]
    return list(rules.prefetch_related(_rule_items()))


def _rule_items() -> Prefetch:
    return Prefetch("items", queryset=RuleItem.objects.select_related("product").order_by("side", "position"))


def run_quality(*, run: Run) -> ModelQuality | None:
    return ModelQuality.objects.filter(run=run).first()


def run_segments(*, run: Run) -> list[SegmentProfile]:
    return list(SegmentProfile.objects.filter(run=run).order_by("position"))


def run_rules(*, run: Run, limit: int | None = 30) -> list[AssociationRule]:
    """The strongest rules of the run with their products."""
    return list(AssociationRule.objects.filter(run=run).order_by("position")[:limit].prefetch_related(_rule_items()))


def run_forecast_series(*, run: Run) -> list[ForecastQuality]:
    return list(ForecastQuality.objects.filter(run=run).order_by("position"))


def run_forecast_points(*, run: Run, series: str, kind: str) -> list[ForecastPoint]:
    return list(ForecastPoint.objects.filter(run=run, series=series, kind=kind).order_by("period"))


def run_top_scores(*, run: Run, user: AbstractBaseUser, limit: int = 20) -> list[Score]:
    """The run's highest scores among the customers or opportunities `user` reaches, subject loaded."""
    scores = Score.objects.filter(run=run).order_by("-value", "id")
    if run.kind == Run.Kind.WIN_SCORE:
        reachable = reach.scope(Opportunity, user=user)
        scores = scores.filter(opportunity__in=reachable.values("pk")).select_related("opportunity__customer")
    else:
        reachable = reach.scope(Customer, user=user)
        scores = scores.filter(customer__in=reachable.values("pk")).select_related("customer")
    return list(scores[:limit])


def segment_choices() -> QuerySet[SegmentProfile]:
    """Segments a run may be narrowed to: those of the three latest succeeded segments runs."""
    runs = Run.objects.filter(kind=Run.Kind.SEGMENTS, status=Run.Status.SUCCEEDED).order_by("-finished_at", "-id")
    latest = list(runs.values_list("pk", flat=True)[:3])
    return SegmentProfile.objects.filter(run__in=latest).select_related("run").order_by("-run_id", "position")
