"""fit_forecast: ARIMA forecasts with intervals, order search, gap filling and backtests."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from analytics.algorithms import AnalyticsInputError, fit_forecast, period_totals


def _monthly(values, start="2020-01-01", dtype=float) -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=dtype)


def _random_walk(n: int = 60, seed: int = 0) -> pd.Series:
    return _monthly(100 + np.cumsum(np.random.default_rng(seed).normal(0, 2, n)))


def test_random_walk_forecast_is_the_last_value_with_intervals_widening_as_root_h():
    # given a random walk fitted as ARIMA(0,1,0)
    series = _random_walk()
    # when
    result = fit_forecast(series, horizon=4, order=(0, 1, 0))
    # then the forecast repeats the last value and the half-widths are z·σ·√h
    frame = result.forecast
    assert frame["forecast"].to_numpy() == pytest.approx([series.iloc[-1]] * 4)
    sigma = np.sqrt(result.model["sigma2"])
    steps = np.sqrt(np.arange(1, 5))
    assert (frame["upper_95"] - frame["forecast"]).to_numpy() == pytest.approx(norm.ppf(0.975) * sigma * steps)
    assert (frame["forecast"] - frame["lower_80"]).to_numpy() == pytest.approx(norm.ppf(0.90) * sigma * steps)
    assert frame["period"].tolist() == list(pd.date_range(series.index[-1], periods=5, freq="MS")[1:])


def test_model_reports_orders_coefficients_and_information_criteria():
    model = fit_forecast(_random_walk(), horizon=1, order=(1, 1, 0)).model
    assert model["order"] == [1, 1, 0] and model["seasonal_order"] == [0, 0, 0, 0]
    assert set(model["coefficients"]) == {"ar.L1"}
    assert model["sigma2"] > 0
    # AIC = 2k − 2 loglik with k = ar.L1 and sigma2
    assert model["aic"] == pytest.approx(2 * 2 - 2 * model["loglik"])
    assert model["bic"] == pytest.approx(np.log(model["observations"] - 1) * 2 - 2 * model["loglik"], rel=0.05)


def test_log_model_is_back_transformed_to_the_series_units():
    # given exponential growth with noise, modelled on logs as a random walk
    series = _monthly(np.exp(np.linspace(3, 5, 48) + np.random.default_rng(2).normal(0, 0.02, 48)))
    # when
    frame = fit_forecast(series, horizon=3, order=(0, 1, 0), log=True).forecast
    # then the forecast is the last value (median of a log random walk) and every bound is positive
    assert frame["forecast"].to_numpy() == pytest.approx([series.iloc[-1]] * 3)
    assert (frame["lower_95"] > 0).all() and (frame["lower_95"] < frame["lower_80"]).all()


def test_missing_periods_are_filled_with_zero_and_listed():
    # given monthly revenue with March and April absent
    series = _random_walk(30).drop(pd.to_datetime(["2020-03-01", "2020-04-01"]))
    # when
    result = fit_forecast(series, horizon=2, order=(1, 0, 0))
    # then
    assert result.filled_periods == list(pd.to_datetime(["2020-03-01", "2020-04-01"]))
    assert result.history.loc["2020-03-01"] == 0 and len(result.history) == 30


def test_period_totals_sum_lines_per_week_including_empty_weeks():
    events = pd.DataFrame({"ordered_at": ["2024-01-01", "2024-01-03", "2024-01-17"], "amount": [10.0, 5.0, 2.5]})
    totals = period_totals(events, freq="W")
    assert totals.to_dict() == {
        pd.Timestamp("2024-01-01"): 15.0,
        pd.Timestamp("2024-01-08"): 0.0,
        pd.Timestamp("2024-01-15"): 2.5,
    }


def test_order_search_prefers_an_autoregressive_model_for_ar1_data():
    # given a stationary AR(1) with coefficient 0.6
    rng = np.random.default_rng(4)
    values = [0.0]
    for shock in rng.normal(0, 1, 199):
        values.append(0.6 * values[-1] + shock)
    series = pd.Series(np.array(values) + 50, index=pd.date_range("2020-01-01", periods=200, freq="D"))
    # when
    model = fit_forecast(series, horizon=7, seasonal_order=(0, 0, 0, 0)).model
    # then no differencing, an AR term, and the chosen AIC is the smallest of those tried
    assert model["order"][1] == 0 and model["order"][0] >= 1
    assert len(model["searched"]) == 9
    best = min(model["searched"], key=lambda entry: entry["aic"])
    assert best["order"] == model["order"]


def test_monthly_series_with_two_seasons_gets_a_seasonal_model_and_weekly_year_does_not():
    months = np.arange(48)
    seasonal = _monthly(200 + 50 * np.sin(2 * np.pi * months / 12) + np.random.default_rng(3).normal(0, 3, 48))
    assert fit_forecast(seasonal, horizon=12).model["seasonal_order"][3] == 12
    weekly = pd.Series(
        np.random.default_rng(5).normal(100, 10, 60), index=pd.date_range("2023-01-02", periods=60, freq="W-MON")
    )
    assert fit_forecast(weekly, horizon=4).model["seasonal_order"] == [0, 0, 0, 0]


def test_backtest_scores_the_held_out_points_against_a_seasonal_naive_forecast():
    # given four years of a seasonal pattern plus noise
    months = np.arange(48)
    series = _monthly(300 + 80 * np.sin(2 * np.pi * months / 12) + np.random.default_rng(6).normal(0, 5, 48))
    # when the last 12 months are held out
    backtest = fit_forecast(series, horizon=3, backtest=12, order=(0, 0, 0), seasonal_order=(0, 1, 1, 12)).backtest
    # then the figures are the errors over exactly those months
    predictions = backtest["predictions"]
    actual = series.iloc[-12:].to_numpy()
    assert predictions["actual"].to_numpy() == pytest.approx(actual)
    assert backtest["mae"] == pytest.approx(np.mean(np.abs(actual - predictions["forecast"])))
    assert backtest["mape"] == pytest.approx(100 * np.mean(np.abs(actual - predictions["forecast"]) / actual))
    naive = series.iloc[-24:-12].to_numpy()
    assert backtest["naive_mae"] == pytest.approx(np.mean(np.abs(actual - naive)))


def test_result_is_json_serialisable():
    payload = fit_forecast(_random_walk(), horizon=2, order=(0, 1, 0), backtest=6).to_dict()
    decoded = json.loads(json.dumps(payload, allow_nan=False))
    assert decoded["forecast"][0]["period"] == "2025-01-01T00:00:00"
    assert decoded["model"]["order"] == [0, 1, 0] and decoded["backtest"]["points"] == 6


@pytest.mark.parametrize(
    ("series", "kwargs", "message"),
    [
        (_monthly([5.0] * 24), {}, "constant"),
        (_monthly([1.0, 2.0, 3.0]), {}, "3 periods; at least 10"),
        (_monthly(range(1, 15)), {"backtest": 10}, "14 periods; at least 20"),
        (_monthly(["1", "2", "x"] + ["3"] * 10, dtype=object), {}, "not numeric at row"),
        (_monthly(np.r_[0.0, np.arange(1, 20)]), {"log": True}, "log needs positive values"),
        (_monthly(np.arange(1, 20)), {"horizon": 0}, "horizon must be"),
        (_monthly(np.arange(1, 20)), {"order": (1, -1, 0)}, "order is"),
        (pd.Series([], dtype=float), {}, "empty"),
        (pd.Series(range(12), index=pd.to_datetime(["2024-01-01"] * 12)), {"freq": "D"}, "more than one value"),
        (_monthly(np.arange(1, 20)), {"freq": "hourly"}, "freq must be"),
    ],
)
def test_unusable_input_raises_a_plain_message(series, kwargs, message):
    with pytest.raises(AnalyticsInputError, match=message):
        fit_forecast(series, **{"horizon": 3, **kwargs})
