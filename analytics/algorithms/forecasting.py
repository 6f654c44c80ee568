"""ARIMA/SARIMAX forecasts of a regular series, with AIC order search, intervals and a backtest."""

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._frames import datetimes, jsonable, numeric, require_columns, require_rows
from ._orders import SEASONAL_PERIODS, Candidate, fit_candidate, select_order
from .errors import AnalyticsInputError

MIN_POINTS = 10
FREQ_ALIASES = {
    "D": "D",
    "DAY": "D",
    "DAILY": "D",
    "W": "W",
    "WEEK": "W",
    "WEEKLY": "W",
    "M": "M",
    "MS": "M",
    "ME": "M",
    "MONTH": "M",
    "MONTHLY": "M",
    "Q": "Q",
    "QS": "Q",
    "QE": "Q",
    "QUARTER": "Q",
    "QUARTERLY": "Q",
}


@dataclass(frozen=True)
class Forecast:
    """A fitted ARIMA model, its forecast with 80% and 95% intervals, and an optional backtest."""

    forecast: pd.DataFrame  # period, forecast, lower_80, upper_80, lower_95, upper_95 (series units)
    model: dict[str, Any]  # order, seasonal_order, trend, log, coefficients, sigma2, loglik, aic, bic, searched
    backtest: dict[str, Any] | None  # points, mae, mape, naive_mae, naive_mape, predictions
    history: pd.Series  # the series as modelled: regular periods, gaps filled with 0
    filled_periods: list[pd.Timestamp] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form."""
        return jsonable(
            {
                "forecast": self.forecast,
                "model": self.model,
                "backtest": self.backtest,
                "history": [{"period": period, "value": value} for period, value in self.history.items()],
                "filled_periods": self.filled_periods,
            }
        )


def period_totals(
    events: pd.DataFrame, *, freq: str, date_column: str = "ordered_at", value_column: str = "amount"
) -> pd.Series:
    """In: ordered_at, amount (one row per line). Out: a Series of sums per period (index = period start), empty periods 0. Raises AnalyticsInputError."""
    require_columns(events, (date_column, value_column), what="events")
    require_rows(events, what="events")
    period_freq = _period_freq(freq)
    when = datetimes(events[date_column], what=f"events column {date_column!r}")
    values = numeric(events[value_column], what=f"events column {value_column!r}")
    totals = values.groupby(when.dt.to_period(period_freq)).sum()
    full = pd.period_range(totals.index.min(), totals.index.max(), freq=period_freq)
    totals = totals.reindex(full, fill_value=0.0)
    return pd.Series(totals.to_numpy(), index=full.to_timestamp(how="start"), name=value_column)


def fit_forecast(
    series: pd.Series,
    *,
    horizon: int,
    order: tuple[int, int, int] | None = None,
    seasonal_order: tuple[int, int, int, int] | None = None,
    log: bool = False,
    backtest: int | None = None,
    freq: str | None = None,
) -> Forecast:
    """In: a Series of values indexed by daily/weekly/monthly dates (gaps become 0). Out: Forecast in the series' units. Raises AnalyticsInputError."""
    if not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise AnalyticsInputError(f"horizon must be a whole number of periods ≥ 1; got {horizon!r}.")
    if backtest is not None and (not isinstance(backtest, (int, np.integer)) or backtest < 1):
        raise AnalyticsInputError(f"backtest must be a whole number of periods ≥ 1; got {backtest!r}.")
    history, filled = _regular(series, freq=freq)
    period_freq = history.index.freqstr
    season = SEASONAL_PERIODS.get(period_freq[0], 1)
    if log and (history <= 0).any():
        where = history.index[(history <= 0).to_numpy()]
        raise AnalyticsInputError(
            f"log needs positive values, but {len(where)} period(s) are zero or negative, first {where[0]}."
        )
    minimum = MIN_POINTS + (backtest or 0)
    if len(history) < minimum:
        raise AnalyticsInputError(
            f"The series has {len(history)} periods; at least {minimum} are needed"
            + (f" ({MIN_POINTS} to fit plus {backtest} to backtest)." if backtest else ".")
        )
    if history.nunique() == 1:
        raise AnalyticsInputError(
            f"The series is constant (every period is {history.iloc[0]:g}); there is nothing to model."
        )
    order, seasonal_order = _checked_orders(order, seasonal_order, season=season)

    transform = np.log if log else (lambda values: values)
    searched: list[dict[str, Any]] = []
    if order is None:
        # Orders are chosen without looking at the backtest window, so the backtest measures the whole procedure.
        window = history.iloc[:-backtest] if backtest else history
        if window.nunique() == 1:
            raise AnalyticsInputError("The series is constant before the backtest window; there is nothing to model.")
        candidate, searched = select_order(transform(window), season=season, seasonal_order=seasonal_order)
    else:
        candidate = Candidate(
            order=order, seasonal_order=seasonal_order or (0, 0, 0, 0), trend=_default_trend(order, seasonal_order)
        )
    fitted = _fit(transform(history), candidate)
    params = fitted.params
    model = {
        "order": list(candidate.order),
        "seasonal_order": list(candidate.seasonal_order),
        "trend": fitted.model.trend if hasattr(fitted.model, "trend") else candidate.trend,
        "log": log,
        "freq": period_freq,
        "coefficients": {
            ("drift" if name == "x1" else name): float(value) for name, value in params.items() if name != "sigma2"
        },
        "sigma2": float(params.get("sigma2", np.nan)),
        "loglik": float(fitted.llf),
        "aic": float(fitted.aic),
        "bic": float(fitted.bic),
        "observations": len(history),
        "searched": searched,
    }
    tested = _backtest(history, points=backtest, candidate=candidate, log=log, season=season) if backtest else None
    timestamps = history.index.to_timestamp(how="start")
    return Forecast(
        forecast=_forecast_frame(fitted, horizon=horizon, log=log),
        model=model,
        backtest=tested,
        history=pd.Series(history.to_numpy(), index=timestamps, name="value"),
        filled_periods=[period.to_timestamp(how="start") for period in filled],
    )


def _default_trend(order: tuple, seasonal_order: tuple | None) -> str:
    """A constant for undifferenced models, nothing otherwise (as R's arima does)."""
    return "c" if order[1] + (seasonal_order[1] if seasonal_order else 0) == 0 else "n"


def _fit(modelled: pd.Series, candidate: Candidate) -> Any:
    """Fit one specification; statsmodels failures become AnalyticsInputError."""
    try:
        return fit_candidate(modelled, candidate)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:
        raise AnalyticsInputError(
            f"ARIMA{candidate.order}{candidate.seasonal_order} cannot be fitted to this series: {exc}"
        ) from exc


def _forecast_frame(fitted: Any, *, horizon: int, log: bool) -> pd.DataFrame:
    """Mean forecast and 80%/95% intervals; back-transformed with exp when the model was fitted on logs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prediction = fitted.get_forecast(horizon)
        narrow, wide = prediction.conf_int(alpha=0.20), prediction.conf_int(alpha=0.05)
    frame = pd.DataFrame(
        {
            "period": prediction.predicted_mean.index.to_timestamp(how="start"),
            "forecast": prediction.predicted_mean.to_numpy(),
            "lower_80": narrow.iloc[:, 0].to_numpy(),
            "upper_80": narrow.iloc[:, 1].to_numpy(),
            "lower_95": wide.iloc[:, 0].to_numpy(),
            "upper_95": wide.iloc[:, 1].to_numpy(),
        }
    )
    if log:
        # exp of the log-scale mean is the forecast median; interval bounds map exactly.
        frame[frame.columns[1:]] = np.exp(frame[frame.columns[1:]])
    return frame


def _backtest(history: pd.Series, *, points: int, candidate: Candidate, log: bool, season: int) -> dict[str, Any]:
    """Refit the chosen model on all but the last `points` periods and score its forecast against them and a seasonal-naive one."""
    train, actual = history.iloc[:-points], history.iloc[-points:]
    fitted = _fit(np.log(train) if log else train, candidate)
    predicted = _forecast_frame(fitted, horizon=points, log=log)["forecast"].to_numpy()
    lag = season if season > 1 and len(train) >= season else 1
    naive = np.resize(train.to_numpy()[-lag:], points)  # seasonal-naive: the same period one season earlier
    actual_values = actual.to_numpy()
    return {
        "points": points,
        "mae": _mae(actual_values, predicted),
        "mape": _mape(actual_values, predicted),
        "naive_mae": _mae(actual_values, naive),
        "naive_mape": _mape(actual_values, naive),
        "naive_lag": lag,
        "predictions": pd.DataFrame(
            {
                "period": actual.index.to_timestamp(how="start"),
                "actual": actual_values,
                "forecast": predicted,
                "naive": naive,
            }
        ),
    }


def _mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(actual - predicted)))


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error over the periods whose actual value is not zero (None if all are)."""
    nonzero = actual != 0
    if not nonzero.any():
        return None
    return float(np.mean(np.abs((actual[nonzero] - predicted[nonzero]) / actual[nonzero])) * 100)


def _period_freq(freq: str) -> str:
    """Normalise a frequency name to a pandas period alias (D, W, M or Q)."""
    key = str(freq).upper().split("-")[0]
    if key not in FREQ_ALIASES:
        raise AnalyticsInputError(f"freq must be daily (D), weekly (W), monthly (M) or quarterly (Q); got {freq!r}.")
    return FREQ_ALIASES[key]


def _regular(series: pd.Series, *, freq: str | None) -> tuple[pd.Series, list[pd.Period]]:
    """The series on a complete PeriodIndex, with missing periods filled with 0 and listed."""
    if not isinstance(series, pd.Series):
        raise AnalyticsInputError(f"series must be a pandas Series, not {type(series).__name__}.")
    require_rows(series, what="series")
    values = numeric(series, what="series")
    index = series.index
    if isinstance(index, pd.PeriodIndex):
        period_freq = _period_freq(freq or index.freqstr)
    else:
        stamps = datetimes(pd.Series(index, index=range(len(index))), what="series index")
        index = pd.DatetimeIndex(stamps)
        period_freq = _period_freq(freq or getattr(index, "freqstr", None) or _guess_freq(index))
    periods = index.to_period(period_freq) if not isinstance(index, pd.PeriodIndex) else index.asfreq(period_freq)
    if periods.duplicated().any():
        raise AnalyticsInputError(
            f"series has more than one value for period {periods[periods.duplicated()][0]}; sum them first."
        )
    regular = pd.Series(values.to_numpy(), index=periods).sort_index()
    full = pd.period_range(regular.index[0], regular.index[-1], freq=period_freq)
    filled = [period for period in full if period not in regular.index]
    return regular.reindex(full, fill_value=0.0), filled


def _guess_freq(index: pd.DatetimeIndex) -> str:
    """Daily, weekly or monthly from the dates themselves, tolerating gaps (smallest spacing wins)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 warns that infer_freq will return an offset; both are handled
        inferred = pd.infer_freq(index) if len(index) >= 3 else None
    if inferred:
        return getattr(inferred, "freqstr", inferred)
    gaps = pd.Series(index.unique().sort_values()).diff().dropna().dt.total_seconds().to_numpy() / 86_400
    if len(gaps) == 0:
        raise AnalyticsInputError("series needs at least two dates to tell its frequency; pass freq.")
    smallest = gaps.min()
    for days, name in ((1, "D"), (7, "W"), (31, "M"), (92, "Q")):
        if smallest <= days:
            return name
    raise AnalyticsInputError("Cannot tell whether the series is daily, weekly or monthly; pass freq.")


def _checked_orders(order: Any, seasonal_order: Any, *, season: int) -> tuple[tuple | None, tuple | None]:
    """Validate user orders; a 3-element seasonal order gets the series' season length."""
    if order is not None:
        order = tuple(int(value) for value in order)
        if len(order) != 3 or min(order) < 0:
            raise AnalyticsInputError(f"order is (p, d, q) with non-negative integers; got {order}.")
    if seasonal_order is not None:
        seasonal_order = tuple(int(value) for value in seasonal_order)
        if len(seasonal_order) == 3:
            seasonal_order = (*seasonal_order, season)
        if len(seasonal_order) != 4 or min(seasonal_order) < 0:
            raise AnalyticsInputError(
                f"seasonal_order is (P, D, Q, m) with non-negative integers; got {seasonal_order}."
            )
        if any(seasonal_order[:3]) and seasonal_order[3] < 2:
            raise AnalyticsInputError(f"seasonal_order needs a season length m ≥ 2; got {seasonal_order}.")
    return order, seasonal_order
