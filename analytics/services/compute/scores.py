"""Scores: churn risk, customer value and win probability, each measured on data its model did not learn from,
each score with its three strongest factors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics import loaders
from analytics.algorithms import (
    AnalyticsInputError,
    train_classifier,
    train_regressor,
)
from analytics.evaluation import (
    calibration_bins,
    classification_quality,
    regression_quality,
    time_split,
    top_factors,
)
from analytics.features import (
    BEHAVIOUR_NUMERIC,
    CUSTOMER_CATEGORICAL,
    OPPORTUNITY_CATEGORICAL,
    OPPORTUNITY_NUMERIC,
    opportunity_features,
    order_behaviour,
    window_activity,
)
from analytics.models import (
    CalibrationBin,
    ModelQuality,
    Run,
    Score,
)
from analytics.services.compute.base import Outcome, Work, bulk_insert

# Fewest labelled rows of each class a probability model is trained on.
MIN_CLASS_ROWS = 5


# Features counted in whole days: their values are shown without decimals.
WHOLE_DAYS = {"recency_days", "tenure_days", "days_in_pipeline"}


def _factor_text(feature: str, value: Any, names: dict[str, dict]) -> str:
    """A factor's value as stored for reading: whole days without decimals, amounts to the cent, a stage's name
    for its position (`names` maps a feature's values to names)."""
    if feature in names:
        return str(names[feature].get(value, value))[:100]
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return ""
        if feature in WHOLE_DAYS or float(value).is_integer():
            return str(int(round(value)))
        return f"{value:.2f}"
    return str(value)[:100]


def _scores(
    kind: str,
    *,
    subject: str,
    ids: pd.Series,
    values: np.ndarray,
    explanations: pd.DataFrame,
    names: dict[str, dict] | None = None,
) -> list[Score]:
    """Score rows for `ids` (customers or opportunities, by `subject`), with each row's three strongest factors;
    `explanations` are indexed by position in `ids`."""
    factors: dict[int, list[tuple[str, str, float]]] = {}
    for row in top_factors(explanations).itertuples():
        shown = _factor_text(row.feature, row.value, names or {})
        factors.setdefault(int(row.row), []).append((row.feature, shown, float(row.contribution)))
    scores = []
    for position, (pk, value) in enumerate(zip(ids.to_numpy(), values, strict=True)):
        score = Score(kind=kind, value=float(value), **{f"{subject}_id": int(pk)})
        for number, (feature, shown, weight) in enumerate(factors.get(position, []), start=1):
            setattr(score, f"factor{number}", feature)
            setattr(score, f"factor{number}_value", shown)
            setattr(score, f"factor{number}_weight", weight)
        scores.append(score)
    return scores


def _save_scores(scores: list[Score], quality: ModelQuality, bins: pd.DataFrame) -> Callable[[Run], int]:
    def save(run: Run) -> int:
        for score in scores:
            score.run = run
        quality.run = run
        quality.save(force_insert=True)
        bulk_insert(
            CalibrationBin,
            [
                CalibrationBin(
                    run=run,
                    position=int(row.position),
                    lower=float(row.lower),
                    upper=float(row.upper),
                    rows=int(row.rows),
                    predicted=float(row.predicted),
                    observed=float(row.observed),
                )
                for row in bins.itertuples()
            ],
        )
        return bulk_insert(Score, scores)

    return save


def _customer_snapshot(
    orders: pd.DataFrame, attributes: pd.DataFrame, *, cutoff: pd.Timestamp, window_days: int
) -> pd.DataFrame:
    """Customers' order behaviour as of `cutoff`, with their country, tier and industry."""
    behaviour = order_behaviour(orders, cutoff=cutoff, window_days=window_days)
    return behaviour.merge(attributes, on="customer_id", how="left").reset_index(drop=True)


def _customer_frames(work: Work, *, window_days: int) -> tuple[datetime, pd.DataFrame, list[pd.Timestamp], list]:
    """The data's as-of time, the orders, the three cutoffs (two windows back, one back, as-of) and the customer
    snapshot at each."""
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.order_as_of()
        orders = loaders.transaction_frame(work.scope)
        attributes = loaders.customer_attributes(orders["customer_id"].unique()) if len(orders) else None
    if orders.empty:
        raise AnalyticsInputError(_("None of the orders matching the filters belongs to a single known customer."))
    work.report(Run.Step.PREPARING, 25)
    end = work.scope.local(as_of)
    window = pd.Timedelta(days=window_days)
    cutoffs = [end - 2 * window, end - window, end]
    with work.computing():
        snapshots = [_customer_snapshot(orders, attributes, cutoff=c, window_days=window_days) for c in cutoffs]
    first = orders["ordered_at"].min()
    if len(snapshots[0]) < 8:
        raise AnalyticsInputError(
            _(
                "This learns from two windows of %(days)s days before the end of the data, so it needs customers who "
                "had bought by %(cutoff)s; %(count)s had (the orders matching the filters start on %(first)s). "
                "Choose a shorter window or wait for more history."
            )
            % {
                "days": window_days,
                "cutoff": cutoffs[0].date().isoformat(),
                "count": len(snapshots[0]),
                "first": first.date().isoformat(),
            }
        )
    return as_of, orders, cutoffs, snapshots


def _feature_lists(frame: pd.DataFrame, numeric: tuple[str, ...], categorical: tuple[str, ...]) -> dict[str, list]:
    """The model's feature columns; categorical columns with a single value everywhere are left out (they cannot
    explain anything)."""
    return {
        "numeric": list(numeric),
        "categorical": [name for name in categorical if frame[name].fillna("").astype(str).nunique() > 1],
    }


def churn_risk(work: Work) -> Outcome:
    window_days = work.run.params["window_days"]
    as_of, orders, cutoffs, (older, previous, current) = _customer_frames(work, window_days=window_days)
    features = _feature_lists(previous, BEHAVIOUR_NUMERIC, CUSTOMER_CATEGORICAL)

    def labelled(snapshot: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
        activity = window_activity(orders, snapshot["customer_id"], start=cutoff, days=window_days)
        return snapshot.assign(churned=(activity["purchases"] == 0).to_numpy())

    train, test = labelled(older, cutoffs[0]), labelled(previous, cutoffs[1])
    for frame, cutoff in ((train, cutoffs[0]), (test, cutoffs[1])):
        _require_both_classes(
            frame["churned"],
            _(
                "As of %(cutoff)s, %(yes)s customers went on to order nothing in %(days)s days and %(no)s ordered "
                "again; churn risk needs at least %(min)s of each."
            ),
            cutoff=cutoff.date().isoformat(),
            days=window_days,
        )
    work.report(Run.Step.EVALUATING, 45)
    with work.computing():
        tester = train_classifier(train, target="churned", positive=True, **features)
        predicted = tester.predict_proba(test).to_numpy()
        observed = test["churned"].to_numpy().astype(int)
        measured = classification_quality(observed, predicted)
        bins = calibration_bins(predicted, observed, probability=True)
        work.report(Run.Step.SCORING, 65)
        model = train_classifier(test, target="churned", positive=True, **features)
        risk = model.predict_proba(current).to_numpy()
        explanations = model.explain(current.reset_index(drop=True), top=3)
    quality = ModelQuality(
        train_rows=len(train),
        test_rows=len(test),
        train_cutoff=_aware(cutoffs[0], work),
        test_cutoff=_aware(cutoffs[1], work),
        **measured,
    )
    scores = _scores(
        Run.Kind.CHURN_RISK, subject="customer", ids=current["customer_id"], values=risk, explanations=explanations
    )
    work.report(Run.Step.SAVING, 85)
    return work.outcome(
        as_of=as_of, rows_read=orders["lines"].sum(), subjects=len(current), save=_save_scores(scores, quality, bins)
    )


def customer_value(work: Work) -> Outcome:
    params = work.run.params
    days = params["period_days"]
    as_of, orders, cutoffs, (older, previous, current) = _customer_frames(work, window_days=days)
    features = _feature_lists(previous, BEHAVIOUR_NUMERIC, CUSTOMER_CATEGORICAL)

    def labelled(snapshot: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
        activity = window_activity(orders, snapshot["customer_id"], start=cutoff, days=days)
        return snapshot.assign(next_revenue=activity["revenue"].to_numpy())

    train, test = labelled(older, cutoffs[0]), labelled(previous, cutoffs[1])
    work.report(Run.Step.EVALUATING, 45)
    with work.computing():
        tester = train_regressor(train, target="next_revenue", alpha=params["alpha"], **features)
        # Revenue expected from a customer is never below zero (a linear model can say so for a big returner).
        predicted = np.clip(tester.predict(test).to_numpy(), 0, None)
        observed = test["next_revenue"].to_numpy()
        # The naive forecast: the next window brings what the last one did.
        measured = regression_quality(observed, predicted, test["recent_revenue"].to_numpy())
        bins = calibration_bins(predicted, observed, probability=False)
        work.report(Run.Step.SCORING, 65)
        model = train_regressor(test, target="next_revenue", alpha=params["alpha"], **features)
        value = np.clip(model.predict(current).to_numpy(), 0, None)
        explanations = model.explain(current.reset_index(drop=True), top=3)
    quality = ModelQuality(
        train_rows=len(train),
        test_rows=len(test),
        train_cutoff=_aware(cutoffs[0], work),
        test_cutoff=_aware(cutoffs[1], work),
        **measured,
    )
    scores = _scores(
        Run.Kind.CUSTOMER_VALUE, subject="customer", ids=current["customer_id"], values=value, explanations=explanations
    )
    work.report(Run.Step.SAVING, 85)
    return work.outcome(
        as_of=as_of, rows_read=orders["lines"].sum(), subjects=len(current), save=_save_scores(scores, quality, bins)
    )


def win_score(work: Work) -> Outcome:
    test_share = work.run.params["test_share"]
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.scope.end or timezone.now()
        frame = loaders.opportunity_frame(work.scope, as_of=as_of)
    if frame.empty:
        raise AnalyticsInputError(_("No opportunities match the run's filters."))
    work.report(Run.Step.PREPARING, 20)
    with work.computing():
        frame = opportunity_features(frame, as_of=work.scope.local(as_of))
    closed = frame[frame["won"].notna()].assign(won=lambda f: f["won"].astype(bool))
    open_ = frame[frame["won"].isna()].reset_index(drop=True)
    _require_both_classes(
        closed["won"],
        _(
            "Win probability learns from closed opportunities: %(yes)s won and %(no)s lost match the filters; it "
            "needs at least %(min)s of each."
        ),
    )
    features = _feature_lists(closed, OPPORTUNITY_NUMERIC, OPPORTUNITY_CATEGORICAL)
    train, test = time_split(closed, at="closed_at", test_share=test_share)
    _require_both_classes(
        train["won"],
        _(
            "Win probability learns from the earlier closed opportunities: %(yes)s of them were won and %(no)s lost; "
            "it needs at least %(min)s of each (hold out a smaller share for testing, or widen the filters)."
        ),
    )
    work.report(Run.Step.EVALUATING, 40)
    with work.computing():
        tester = train_classifier(train, target="won", positive=True, **features)
        predicted = tester.predict_proba(test).to_numpy()
        observed = test["won"].to_numpy().astype(int)
        measured = classification_quality(observed, predicted)
        bins = calibration_bins(predicted, observed, probability=True)
        work.report(Run.Step.SCORING, 65)
        model = train_classifier(closed, target="won", positive=True, **features)
        if len(open_):
            chance = model.predict_proba(open_).to_numpy()
            explanations = model.explain(open_, top=3)
        else:
            chance, explanations = np.array([]), pd.DataFrame()
    quality = ModelQuality(
        train_rows=len(train),
        test_rows=len(test),
        test_cutoff=_aware(test["closed_at"].min(), work),
        **measured,
    )
    with work.loading():
        stages = {float(position): name for position, name in loaders.stage_names().items()}
    scores = _scores(
        Run.Kind.WIN_SCORE,
        subject="opportunity",
        ids=open_["opportunity_id"],
        values=chance,
        explanations=explanations,
        names={"furthest_stage": stages},
    )
    work.report(Run.Step.SAVING, 85)
    return work.outcome(
        as_of=as_of, rows_read=len(frame), subjects=len(open_), save=_save_scores(scores, quality, bins)
    )


def _require_both_classes(labels: pd.Series, message: str, **params: Any) -> None:
    yes, no = int(labels.sum()), int((~labels.astype(bool)).sum())
    if min(yes, no) < MIN_CLASS_ROWS:
        raise AnalyticsInputError(message % {"yes": yes, "no": no, "min": MIN_CLASS_ROWS, **params})


def _aware(moment: pd.Timestamp, work: Work) -> datetime:
    return moment.to_pydatetime().replace(tzinfo=work.scope.zone)
