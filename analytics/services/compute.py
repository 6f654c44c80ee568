"""What each kind of run computes: its loaders, the pure algorithms (analytics.algorithms, whose maths is not
changed here, only called) and the result rows, returned unsaved as an `Outcome` that analytics.services.runs
writes in one transaction.

Scores are measured on data their model did not learn from, split by time: churn risk and customer value learn
from customers as they were one window before the data's as-of time and what they did in the window after, are
tested by a model that learned one window earlier still, and score customers as they are at the as-of time; win
probability learns from the earlier closed opportunities and is tested on the most recently closed ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics import loaders
from analytics.algorithms import (
    AnalyticsInputError,
    fit_forecast,
    mine_rules,
    period_totals,
    rfm_table,
    segment_customers,
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
    AssociationRule,
    CalibrationBin,
    CustomerSegment,
    ForecastPoint,
    ForecastQuality,
    ModelQuality,
    RuleItem,
    Run,
    Score,
    SegmentProfile,
    SilhouetteScore,
)
from analytics.params import FORECAST_DEFAULTS

BATCH = 2000
# The algorithm's segment names (analytics.algorithms.segmentation.LABEL_PROTOTYPES) as stored labels.
SEGMENT_LABELS = {
    "Champions": SegmentProfile.Label.CHAMPIONS,
    "Loyal": SegmentProfile.Label.LOYAL,
    "Potential loyalists": SegmentProfile.Label.POTENTIAL_LOYALISTS,
    "New": SegmentProfile.Label.NEW,
    "Need attention": SegmentProfile.Label.NEED_ATTENTION,
    "At risk": SegmentProfile.Label.AT_RISK,
    "Hibernating": SegmentProfile.Label.HIBERNATING,
    "Lost": SegmentProfile.Label.LOST,
}
# Fewest labelled rows of each class a probability model is trained on.
MIN_CLASS_ROWS = 5


@dataclass
class Outcome:
    """A computed run, not yet stored: `save(run)` writes its rows (inside the caller's transaction) and returns how
    many results it wrote."""

    as_of: datetime
    rows_read: int
    subjects: int
    save: Callable[[Run], int]
    load_seconds: float = 0.0
    compute_seconds: float = 0.0


@dataclass
class Work:
    """One run being computed: its scope, a progress reporter and the time spent reading and computing."""

    run: Run
    report: Callable[[str, int], None]
    scope: loaders.Scope = field(init=False)
    load_seconds: float = 0.0
    compute_seconds: float = 0.0

    def __post_init__(self) -> None:
        self.scope = loaders.scope_of(self.run)

    @contextmanager
    def loading(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.load_seconds += time.perf_counter() - started

    @contextmanager
    def computing(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.compute_seconds += time.perf_counter() - started

    def outcome(self, *, as_of: datetime, rows_read: int, subjects: int, save: Callable[[Run], int]) -> Outcome:
        return Outcome(
            as_of=as_of,
            rows_read=int(rows_read),
            subjects=int(subjects),
            save=save,
            load_seconds=self.load_seconds,
            compute_seconds=self.compute_seconds,
        )

    def order_as_of(self) -> datetime:
        """The data's as-of time for order data: the end of `until`, else of the day of the latest matching order;
        the scope then ends there."""
        as_of = self.scope.end or loaders.order_data_end(self.scope)
        if as_of is None:
            raise AnalyticsInputError(_("No sales orders match the run's filters."))
        self.scope = self.scope.with_end(as_of)
        return as_of


def compute(run: Run, *, report: Callable[[str, int], None]) -> Outcome:
    """Compute `run` (already claimed) and return its unsaved results. Raises AnalyticsInputError for data the
    run cannot use."""
    work = Work(run=run, report=report)
    return COMPUTE[run.kind](work)


def _bulk(model: type, rows: list) -> int:
    model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


def _money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2)))


# Segments -------------------------------------------------------------------------------------------------------


def segments(work: Work) -> Outcome:
    params = work.run.params
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.order_as_of()
        orders = loaders.transaction_frame(work.scope)
    if orders.empty:
        raise AnalyticsInputError(_("None of the orders matching the filters belongs to a single known customer."))
    work.report(Run.Step.COMPUTING, 35)
    with work.computing():
        rfm = rfm_table(orders[["customer_id", "order_id", "ordered_at", "amount"]], as_of=work.scope.local(as_of))
        result = segment_customers(
            rfm, k=params["k"], k_range=(params["k_min"], params["k_max"]), random_state=params["random_state"]
        )
        members = result.assignments.merge(rfm, on="customer_id", how="left")
        means = members.groupby("segment")[["recency_days", "frequency", "monetary"]].mean()
    work.report(Run.Step.SAVING, 90)

    def save(run: Run) -> int:
        profiles = [
            SegmentProfile(
                run=run,
                position=int(row.segment),
                label=SEGMENT_LABELS[row.label],
                customers=int(row.customers),
                customer_share=float(row.customer_share),
                revenue=_money(row.revenue),
                revenue_share=float(row.revenue_share),
                recency_days=float(means.loc[row.segment, "recency_days"]),
                frequency=float(means.loc[row.segment, "frequency"]),
                monetary=_money(means.loc[row.segment, "monetary"]),
            )
            for row in result.profile.itertuples()
        ]
        _bulk(SegmentProfile, profiles)
        ids = dict(SegmentProfile.objects.filter(run=run).values_list("position", "pk"))
        written = _bulk(
            CustomerSegment,
            [
                CustomerSegment(
                    run=run,
                    customer_id=int(row.customer_id),
                    segment_id=ids[int(row.segment)],
                    recency_days=int(row.recency_days),
                    frequency=int(row.frequency),
                    monetary=_money(row.monetary),
                )
                for row in members.itertuples()
            ],
        )
        ModelQuality.objects.create(
            run=run,
            k=result.k,
            silhouette=result.silhouette,
            inertia=result.inertia,
            left_out=len(result.excluded),
        )
        _bulk(SilhouetteScore, [SilhouetteScore(run=run, k=k, silhouette=s) for k, s in result.silhouette_by_k.items()])
        return written

    return work.outcome(as_of=as_of, rows_read=orders["lines"].sum(), subjects=len(rfm), save=save)


# Basket rules ---------------------------------------------------------------------------------------------------


def rules(work: Work) -> Outcome:
    params = work.run.params
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.order_as_of()
        baskets = loaders.basket_frame(work.scope)
        excluded = list(loaders.product_ids_for_skus(params["exclude"]).values())
    if baskets.empty:
        raise AnalyticsInputError(_("The orders matching the filters have no lines to learn from."))
    work.report(Run.Step.COMPUTING, 30)
    with work.computing():
        found = mine_rules(
            baskets,
            min_support=params["min_support"],
            min_confidence=params["min_confidence"],
            min_lift=params["min_lift"],
            max_len=params["max_len"],
            algorithm=params["algorithm"],
            exclude=excluded,
        )
        kept = found.rules.head(params["max_rules"])
    work.report(Run.Step.SAVING, 85)
    with work.loading():
        names = loaders.product_names(
            {item for side in ("antecedents", "consequents") for items in kept[side] for item in items}
        )

    def save(run: Run) -> int:
        _bulk(
            AssociationRule,
            [
                AssociationRule(
                    run=run,
                    position=position,
                    antecedent_count=len(row.antecedents),
                    consequent_count=len(row.consequents),
                    antecedent_support=float(row.antecedent_support),
                    consequent_support=float(row.consequent_support),
                    support=float(row.support),
                    confidence=float(row.confidence),
                    lift=float(row.lift),
                    leverage=float(row.leverage),
                    conviction=_finite(row.conviction),
                )
                for position, row in enumerate(kept.itertuples())
            ],
        )
        ids = dict(AssociationRule.objects.filter(run=run).values_list("position", "pk"))
        items = [
            RuleItem(rule_id=ids[position], product_id=int(product), side=side, position=order)
            for position, row in enumerate(kept.itertuples())
            for side, products in (
                (RuleItem.Side.ANTECEDENT, row.antecedents),
                (RuleItem.Side.CONSEQUENT, row.consequents),
            )
            for order, product in enumerate(sorted(products, key=lambda pk: (names.get(pk, ""), pk)))
        ]
        _bulk(RuleItem, items)
        ModelQuality.objects.create(
            run=run,
            baskets=found.baskets,
            items=found.items,
            frequent_itemsets=found.frequent_itemsets,
            rules_found=len(found.rules),
        )
        return len(kept)

    return work.outcome(as_of=as_of, rows_read=len(baskets), subjects=found.baskets, save=save)


# Forecasts ------------------------------------------------------------------------------------------------------


def forecast(work: Work) -> Outcome:
    params = work.run.params
    freq = params["freq"]
    horizon = params["horizon"] or FORECAST_DEFAULTS[freq]
    backtest = params["backtest"] or FORECAST_DEFAULTS[freq]
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.order_as_of()
        events = loaders.revenue_frame(work.scope, group_by=params["group_by"])
    if events.empty:
        raise AnalyticsInputError(_("No sales orders match the run's filters."))
    window_start = work.scope.local(work.scope.start) if work.scope.start else events["ordered_at"].min().normalize()
    window_end = work.scope.local(as_of)
    series = _series(events, group_by=params["group_by"], limit=params["max_series"])
    qualities: list[ForecastQuality] = []
    points: list[ForecastPoint] = []
    errors: list[str] = []
    for position, (key, label, rows) in enumerate(series):
        work.report(Run.Step.COMPUTING, 15 + 75 * position // len(series))
        with work.computing():
            totals, first, last = _complete_periods(rows, freq=freq, start=window_start, end=window_end)
            quality = ForecastQuality(
                series=key,
                label=label[:200],
                position=position,
                freq=freq,
                observations=len(totals),
                dropped_first=first,
                dropped_last=last,
            )
            try:
                if totals.empty:
                    raise AnalyticsInputError(_("No complete period is left once incomplete ones are left out."))
                result = fit_forecast(
                    totals,
                    horizon=horizon,
                    order=params["order"],
                    seasonal_order=params["seasonal_order"],
                    log=params["log"],
                    backtest=backtest,
                    freq=freq,
                )
            except AnalyticsInputError as exc:
                quality.error = str(exc)
                errors.append(f"{label}: {exc}" if len(series) > 1 else str(exc))
                qualities.append(quality)
                continue
            _describe_fit(quality, result)
            qualities.append(quality)
            points += _forecast_points(key, result)
    if len(errors) == len(series):
        raise AnalyticsInputError(" ".join(errors))
    work.report(Run.Step.SAVING, 92)

    def save(run: Run) -> int:
        for row in [*qualities, *points]:
            row.run = run
        _bulk(ForecastQuality, qualities)
        return _bulk(ForecastPoint, points)

    return work.outcome(as_of=as_of, rows_read=events["lines"].sum(), subjects=len(series), save=save)


def _series(events: pd.DataFrame, *, group_by: str, limit: int) -> list[tuple[str, str, pd.DataFrame]]:
    """(key, label, rows) of each series: all revenue, or the `limit` groups with the most revenue."""
    if group_by == "overall":
        return [("overall", _("All revenue"), events)]
    totals = events.groupby("group")["amount"].sum().sort_values(ascending=False, kind="stable")
    blank = _("(no category)") if group_by == "category" else _("(no team)")
    return [
        (f"{group_by}:{name}"[:120], name or blank, events[events["group"] == name]) for name in totals.index[:limit]
    ]


def _complete_periods(
    rows: pd.DataFrame, *, freq: str, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[pd.Series, Any, Any]:
    """Revenue per period over the window [start, end), empty periods 0, without an incomplete first or last period
    (the window starting after the first period begins, or ending before the last one ends). Returns the series and
    the start dates of the periods left out (None for none)."""
    periods = pd.period_range(start.to_period(freq), (end - pd.Timedelta(microseconds=1)).to_period(freq), freq=freq)
    sums = period_totals(rows, freq=freq) if len(rows) else pd.Series(dtype="float64")
    sums.index = pd.DatetimeIndex(sums.index).to_period(freq)
    series = sums.reindex(periods, fill_value=0.0)
    first = last = None
    if len(series) and start > series.index[0].start_time:
        first = series.index[0].start_time.date()
        series = series.iloc[1:]
    if len(series) and end < (series.index[-1] + 1).start_time:
        last = series.index[-1].start_time.date()
        series = series.iloc[:-1]
    return pd.Series(series.to_numpy(), index=series.index.to_timestamp(how="start")), first, last


def _describe_fit(quality: ForecastQuality, result: Any) -> None:
    model = result.model
    order = ",".join(map(str, model["order"]))
    text = f"ARIMA({order})"
    seasonal = model["seasonal_order"]
    if any(seasonal[:3]):
        text += f"({','.join(map(str, seasonal[:3]))}){seasonal[3]}"
    if model["trend"] in ("c", "t"):
        text += " + " + ("drift" if model["trend"] == "t" else "constant")
    if model["log"]:
        text = f"log {text}"
    quality.model = text[:100]
    quality.observations = model["observations"]
    test = result.backtest
    if test:
        quality.backtest_points = test["points"]
        quality.mae, quality.mape = test["mae"], test["mape"]
        quality.naive_mae, quality.naive_mape, quality.naive_lag = (
            test["naive_mae"],
            test["naive_mape"],
            test["naive_lag"],
        )
        quality.beats_baseline = bool(test["mae"] < test["naive_mae"])


def _forecast_points(key: str, result: Any) -> list[ForecastPoint]:
    points = [
        ForecastPoint(series=key, kind=ForecastPoint.Kind.HISTORY, period=period.date(), value=float(value))
        for period, value in result.history.items()
    ]
    points += [
        ForecastPoint(
            series=key,
            kind=ForecastPoint.Kind.FORECAST,
            period=row.period.date(),
            value=float(row.forecast),
            lower_80=float(row.lower_80),
            upper_80=float(row.upper_80),
            lower_95=float(row.lower_95),
            upper_95=float(row.upper_95),
        )
        for row in result.forecast.itertuples()
    ]
    if result.backtest:
        points += [
            ForecastPoint(
                series=key,
                kind=ForecastPoint.Kind.BACKTEST,
                period=row.period.date(),
                value=float(row.forecast),
                naive=float(row.naive),
            )
            for row in result.backtest["predictions"].itertuples()
        ]
    return points


# Scores ---------------------------------------------------------------------------------------------------------


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
        _bulk(
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
        return _bulk(Score, scores)

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


COMPUTE: dict[str, Callable[[Work], Outcome]] = {
    Run.Kind.SEGMENTS: segments,
    Run.Kind.RULES: rules,
    Run.Kind.FORECAST: forecast,
    Run.Kind.WIN_SCORE: win_score,
    Run.Kind.CHURN_RISK: churn_risk,
    Run.Kind.CUSTOMER_VALUE: customer_value,
}
