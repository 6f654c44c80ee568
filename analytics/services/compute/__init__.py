"""What each kind of run computes: its loaders, the pure algorithms (analytics.algorithms, whose maths is not
changed here, only called) and the result rows, returned unsaved as an `Outcome` that analytics.services.runs
writes in one transaction.

Scores are measured on data their model did not learn from, split by time: churn risk and customer value learn
from customers as they were one window before the data's as-of time and what they did in the window after, are
tested by a model that learned one window earlier still, and score customers as they are at the as-of time; win
probability learns from the earlier closed opportunities and is tested on the most recently closed ones.
"""

from __future__ import annotations

from collections.abc import Callable

from analytics.models import Run
from analytics.services.compute.base import Outcome, Work
from analytics.services.compute.forecast import forecast
from analytics.services.compute.rules import rules
from analytics.services.compute.scores import churn_risk, customer_value, win_score
from analytics.services.compute.segments import segments

__all__ = ["COMPUTE", "Outcome", "Work", "compute"]

COMPUTE: dict[str, Callable[[Work], Outcome]] = {
    Run.Kind.SEGMENTS: segments,
    Run.Kind.RULES: rules,
    Run.Kind.FORECAST: forecast,
    Run.Kind.WIN_SCORE: win_score,
    Run.Kind.CHURN_RISK: churn_risk,
    Run.Kind.CUSTOMER_VALUE: customer_value,
}


def compute(run: Run, *, report: Callable[[str, int], None]) -> Outcome:
    """Compute `run` (already claimed) and return its unsaved results. Raises AnalyticsInputError for data the
    run cannot use."""
    work = Work(run=run, report=report)
    return COMPUTE[run.kind](work)
