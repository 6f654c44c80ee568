"""Revenue forecasts: complete periods only, an ARIMA model per series, its backtest next to the seasonal-naive one."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from analytics import loaders
from analytics.algorithms import (
    AnalyticsInputError,
    fit_forecast,
    period_totals,
)
from analytics.models import (
    ForecastPoint,
    ForecastQuality,
    Run,
)
from analytics.params import FORECAST_DEFAULTS
from analytics.services.compute.base import Outcome, Work, bulk_insert


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
        bulk_insert(ForecastQuality, qualities)
        return bulk_insert(ForecastPoint, points)

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
