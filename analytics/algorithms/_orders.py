"""ARIMA order selection (differencing by tests, then p, q, P, Q by AIC); private to this package."""

import warnings
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from ._threads import one_thread
from .errors import AnalyticsInputError

SEASONAL_PERIODS = {"D": 7, "W": 52, "M": 12, "Q": 4}
MAX_PQ, MAX_SEASONAL_PQ = 2, 1
# Wang, Smith & Hyndman (2006): seasonal differencing when the STL seasonal strength exceeds 0.64.
SEASONAL_STRENGTH_THRESHOLD = 0.64


@dataclass(frozen=True)
class Candidate:
    """One ARIMA specification."""

    order: tuple[int, int, int]
    seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0)
    trend: str = "n"


def fit_candidate(y: pd.Series, candidate: Candidate) -> Any:
    """Fit one specification with statsmodels' ARIMA (state space, exact likelihood); warnings silenced."""
    from statsmodels.tsa.arima.model import ARIMA

    trend = candidate.trend
    if candidate.order[1] + candidate.seasonal_order[1] == 0 and trend == "n" and candidate.order == (0, 0, 0):
        trend = "c"
    with warnings.catch_warnings(), one_thread():
        warnings.simplefilter("ignore")
        return ARIMA(y, order=candidate.order, seasonal_order=candidate.seasonal_order, trend=trend).fit()


def _search_fit(y: pd.Series, candidate: Candidate) -> Any:
    """A faster fit used only to rank candidates: differenced up front, scale concentrated out."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    # On the differenced data a drift is a constant; every candidate in one search shares d and D, so AICs compare.
    trend = "c" if candidate.trend in ("c", "t") else "n"
    with warnings.catch_warnings(), one_thread():
        warnings.simplefilter("ignore")
        model = SARIMAX(
            y,
            order=candidate.order,
            seasonal_order=candidate.seasonal_order,
            trend=trend,
            simple_differencing=True,
            concentrate_scale=True,
        )
        return model.fit(disp=False)


def select_order(y: pd.Series, *, season: int, seasonal_order: tuple | None) -> tuple[Candidate, list[dict[str, Any]]]:
    """Choose d (KPSS) and D (seasonal strength), then p, q ≤ 2 and P, Q ≤ 1 by AIC; returns the best candidate and every AIC tried."""
    m = season if season > 1 and len(y) >= 2 * season else 0
    if seasonal_order is not None:
        fixed_seasonal = tuple(seasonal_order)
        big_d = fixed_seasonal[1]
    else:
        fixed_seasonal = None
        big_d = 1 if m and _seasonal_strength(y, m) > SEASONAL_STRENGTH_THRESHOLD else 0
    differenced = y.diff(m).dropna() if big_d and m else y
    d = 1 if _needs_difference(differenced) else 0
    trend = "c" if d + big_d == 0 else "n"

    fits: dict[Candidate, Any] = {}

    def aic(candidate: Candidate) -> float:
        if candidate not in fits:
            try:
                fits[candidate] = _search_fit(y, candidate)
            except (ValueError, np.linalg.LinAlgError, IndexError):
                fits[candidate] = None
        fitted = fits[candidate]
        return float(fitted.aic) if fitted is not None and np.isfinite(fitted.aic) else np.inf

    def make(p: int, q: int, big_p: int, big_q: int) -> Candidate:
        seasonal = fixed_seasonal or ((big_p, big_d, big_q, m) if m else (0, 0, 0, 0))
        return Candidate(order=(p, d, q), seasonal_order=seasonal, trend=trend)

    if m and fixed_seasonal is None:
        best = _stepwise(make, aic)
    else:
        best = min((make(p, q, 0, 0) for p, q in product(range(MAX_PQ + 1), repeat=2)), key=aic)
    if d + big_d == 1:
        # A drift term is the one trend that survives a single difference; keep it only if AIC agrees.
        drifting = Candidate(order=best.order, seasonal_order=best.seasonal_order, trend="t")
        if aic(drifting) < aic(best):
            best = drifting
    if fits.get(best) is None:
        raise AnalyticsInputError("No ARIMA model in the search grid could be fitted to this series.")
    searched = [
        {
            "order": list(c.order),
            "seasonal_order": list(c.seasonal_order),
            "trend": c.trend,
            "aic": (float(f.aic) if f is not None else None),
        }
        for c, f in fits.items()
    ]
    return best, searched


def _stepwise(make: Any, aic: Any) -> Candidate:
    """Hyndman–Khandakar stepwise search over p, q ≤ 2 and P, Q ≤ 1: start from four models, move to better neighbours."""
    starts = [(2, 2, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1)]
    current = min(starts, key=lambda spec: aic(make(*spec)))
    limits = (MAX_PQ, MAX_PQ, MAX_SEASONAL_PQ, MAX_SEASONAL_PQ)
    steps = [(dp, dq, 0, 0) for dp in (-1, 0, 1) for dq in (-1, 0, 1) if dp or dq] + [
        (0, 0, dp, dq) for dp in (-1, 0, 1) for dq in (-1, 0, 1) if dp or dq
    ]
    improved = True
    while improved:
        improved = False
        for step in steps:
            spec = tuple(value + delta for value, delta in zip(current, step, strict=True))
            if all(0 <= value <= limit for value, limit in zip(spec, limits, strict=True)) and aic(make(*spec)) < aic(
                make(*current)
            ):
                current, improved = spec, True
                break
    return make(*current)


def _needs_difference(y: pd.Series) -> bool:
    """KPSS test of level stationarity at 5%: True when stationarity is rejected."""
    from statsmodels.tsa.stattools import kpss

    if len(y) < 8 or y.nunique() == 1:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # p-values outside the table's range only warn
        # Schwert's short lag rule, as R's tseries::kpss.test and forecast::ndiffs use.
        _, p_value, *_ = kpss(y.to_numpy(), regression="c", nlags=int(4 * (len(y) / 100) ** 0.25))
    return bool(p_value < 0.05)


def _seasonal_strength(y: pd.Series, period: int) -> float:
    """STL seasonal strength max(0, 1 - Var(remainder) / Var(seasonal + remainder))."""
    from statsmodels.tsa.seasonal import STL

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = STL(y.to_numpy(), period=period).fit()
    spread = np.var(parts.seasonal + parts.resid)
    return 0.0 if spread == 0 else max(0.0, 1 - np.var(parts.resid) / spread)
