"""How good a score is, measured on rows its model did not learn from, and which factors explain each score. Pure
numpy/pandas (no Django)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

CALIBRATION_BINS = 10
FACTOR_COUNT = 3


def classification_quality(observed: np.ndarray, probability: np.ndarray) -> dict[str, float | None]:
    """AUC (None when the test rows hold one class only), Brier score, accuracy at 0.5 and the observed rate."""
    observed = np.asarray(observed, dtype=int)
    probability = np.asarray(probability, dtype=float)
    both = 0 < observed.sum() < len(observed)
    return {
        "auc": float(roc_auc_score(observed, probability)) if both else None,
        "brier": float(brier_score_loss(observed, probability)),
        "accuracy": float(np.mean((probability >= 0.5) == observed.astype(bool))),
        "positive_rate": float(observed.mean()),
    }


def regression_quality(observed: np.ndarray, predicted: np.ndarray, baseline: np.ndarray) -> dict[str, float | None]:
    """MAE, RMSE and R² of `predicted`, and the MAE of a naive `baseline` prediction of the same rows."""
    observed, predicted, baseline = (np.asarray(values, dtype=float) for values in (observed, predicted, baseline))
    spread = float(np.sum((observed - observed.mean()) ** 2))
    return {
        "mae": float(np.mean(np.abs(observed - predicted))),
        "rmse": float(np.sqrt(np.mean((observed - predicted) ** 2))),
        "r2": (1 - float(np.sum((observed - predicted) ** 2)) / spread) if spread > 0 else None,
        "baseline_mae": float(np.mean(np.abs(observed - baseline))),
    }


def calibration_bins(
    predicted: np.ndarray, observed: np.ndarray, *, probability: bool, bins: int = CALIBRATION_BINS
) -> pd.DataFrame:
    """Test rows grouped by prediction: position, lower, upper, rows, predicted (mean) and observed (mean), empty
    groups left out. Probabilities fall in `bins` equal tenths of 0..1; amounts in `bins` groups of equal size."""
    predicted = np.asarray(predicted, dtype=float)
    observed = np.asarray(observed, dtype=float)
    if probability:
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        edges = np.unique(np.quantile(predicted, np.linspace(0.0, 1.0, bins + 1)))
        if len(edges) < 2:
            edges = np.array([predicted.min(), predicted.max()])
    # Each value falls in the last edge at or below it; the top edge closes the last group.
    position = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, len(edges) - 2)
    frame = pd.DataFrame({"position": position, "predicted": predicted, "observed": observed})
    grouped = frame.groupby("position").agg(
        rows=("predicted", "size"), predicted=("predicted", "mean"), observed=("observed", "mean")
    )
    grouped["lower"] = edges[grouped.index.to_numpy()]
    grouped["upper"] = edges[grouped.index.to_numpy() + 1]
    result = grouped.reset_index()[["position", "lower", "upper", "rows", "predicted", "observed"]]
    result["position"] = np.arange(len(result))
    return result


def top_factors(explanations: pd.DataFrame, *, count: int = FACTOR_COUNT) -> pd.DataFrame:
    """In: a scorer's explain() output (row, direction, rank, feature, value, contribution). Out: row, rank, feature,
    value, contribution: each row's `count` factors of largest absolute contribution, strongest first."""
    if explanations.empty:
        return pd.DataFrame(columns=["row", "rank", "feature", "value", "contribution"])
    ordered = explanations.assign(strength=explanations["contribution"].abs()).sort_values(
        ["row", "strength", "feature"], ascending=[True, False, True], kind="stable"
    )
    best = ordered.groupby("row", sort=False).head(count).copy()
    best["rank"] = best.groupby("row", sort=False).cumcount() + 1
    return best[["row", "rank", "feature", "value", "contribution"]].reset_index(drop=True)


def time_split(frame: pd.DataFrame, *, at: str, test_share: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows ordered by `at`: the earliest (1 - test_share) to learn from, the latest test_share to test on."""
    ordered = frame.sort_values([at], kind="stable")
    test_rows = max(1, int(round(len(ordered) * test_share)))
    return ordered.iloc[:-test_rows], ordered.iloc[-test_rows:]
