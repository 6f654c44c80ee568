"""Every write of the analytics app: runs (analytics.services.runs) and what each kind computes
(analytics.services.compute)."""

from analytics.services.runs import (
    run_again,
    run_create,
    run_execute,
    run_fail,
    run_filters_text,
    run_schedule,
    runs_recover,
)

__all__ = [
    "run_again",
    "run_create",
    "run_execute",
    "run_fail",
    "run_filters_text",
    "run_schedule",
    "runs_recover",
]
