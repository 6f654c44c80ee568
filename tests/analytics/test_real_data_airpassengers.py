"""AirPassengers (Box & Jenkins series G): the airline model and automatic order selection."""

import numpy as np
import pytest

from analytics.algorithms import fit_forecast

pytestmark = pytest.mark.real_data


def test_airline_model_on_the_log_series_matches_the_published_estimates(air_passengers):
    # when ARIMA(0,1,1)(0,1,1)12 is fitted to log passengers 1949-1960
    model = fit_forecast(air_passengers, horizon=12, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12), log=True).model
    # then the estimates are those R's arima() reports for this model (ma1 -0.4018, sma1 -0.5569,
    # sigma^2 0.001348, AIC -483.4; see ?arima / Brockwell & Davis), within rounding of the optimiser
    assert model["coefficients"]["ma.L1"] == pytest.approx(-0.4018, abs=0.01)
    assert model["coefficients"]["ma.S.L12"] == pytest.approx(-0.5569, abs=0.01)
    assert model["sigma2"] == pytest.approx(0.001348, rel=0.05)
    assert model["aic"] == pytest.approx(-483.4, abs=1)


def test_airline_model_intervals_contain_most_of_the_held_out_year(air_passengers):
    # given the model fitted on 1949-1959 only
    train, held_out = air_passengers.iloc[:-12], air_passengers.iloc[-12:]
    # when 1960 is forecast
    frame = fit_forecast(train, horizon=12, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12), log=True).forecast
    actual = held_out.to_numpy()
    # then most months fall inside the intervals, the bounds are in passengers, and the path is close
    inside_95 = ((frame["lower_95"] <= actual) & (actual <= frame["upper_95"])).sum()
    inside_80 = ((frame["lower_80"] <= actual) & (actual <= frame["upper_80"])).sum()
    assert inside_95 >= 10 and inside_80 >= 7
    assert frame["period"].tolist() == list(held_out.index)
    assert np.mean(np.abs(actual - frame["forecast"]) / actual) < 0.10
    # the seasonal shape carries over: every summer month (Jun-Aug) is forecast above every winter month (Nov-Feb)
    summer, winter = frame["forecast"].iloc[[5, 6, 7]], frame["forecast"].iloc[[0, 1, 10, 11]]
    assert summer.min() > winter.max()


def test_automatic_orders_backtest_no_worse_than_a_seasonal_naive_forecast(air_passengers):
    # given the seasonal-naive forecast of 1960: each month as in 1959
    actual, same_month_last_year = air_passengers.iloc[-12:].to_numpy(), air_passengers.iloc[-24:-12].to_numpy()
    naive_mape = 100 * np.mean(np.abs(actual - same_month_last_year) / actual)
    # when orders are chosen automatically (without seeing 1960) and backtested on 1960
    result = fit_forecast(air_passengers, horizon=12, log=True, backtest=12)
    # then the seasonal model is found and beats the naive forecast
    assert result.model["seasonal_order"][3] == 12
    assert result.backtest["mape"] <= naive_mape
    assert result.backtest["naive_mape"] == pytest.approx(naive_mape)
