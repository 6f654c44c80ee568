"""train_regressor: ridge regression with holdout R², MAE, predictions and explanations."""

import json

import numpy as np
import pandas as pd
import pytest

from analytics.algorithms import AnalyticsInputError, train_regressor


def _accounts(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Spend = 10 + 3 × orders, plus 50 for the enterprise tier, plus small noise."""
    rng = np.random.default_rng(seed)
    orders = rng.integers(0, 40, n)
    tier = rng.choice(["smb", "enterprise"], n)
    spend = 10 + 3 * orders + 50 * (tier == "enterprise") + rng.normal(0, 1, n)
    return pd.DataFrame({"orders": orders, "tier": tier, "spend": spend})


def test_linear_relation_is_recovered_on_the_holdout():
    model = train_regressor(_accounts(), target="spend", categorical=["tier"], numeric=["orders"], alpha=0.01)
    assert model.metrics["r2"] > 0.99 and model.metrics["mae"] < 1.5 < model.metrics["baseline_mae"]
    new = pd.DataFrame({"orders": [10, 20], "tier": ["smb", "enterprise"]})
    assert model.predict(new).to_numpy() == pytest.approx([40, 120], abs=1.5)


def test_explanations_add_up_to_the_difference_in_predictions():
    model = train_regressor(_accounts(), target="spend", categorical=["tier"], numeric=["orders"])
    rows = pd.DataFrame({"orders": [35, 2], "tier": ["enterprise", "smb"]})
    explanation = model.explain(rows, top=5)
    totals = explanation.groupby("row")["contribution"].sum()
    predictions = model.predict(rows)
    assert totals[0] - totals[1] == pytest.approx(predictions[0] - predictions[1])
    first = explanation[(explanation["row"] == 0) & (explanation["direction"] == "positive")]
    assert set(first["feature"]) == {"orders", "tier"}


def test_result_is_json_serialisable():
    payload = train_regressor(_accounts(), target="spend", numeric=["orders"]).to_dict()
    decoded = json.loads(json.dumps(payload, allow_nan=False))
    assert {"r2", "mae", "rmse", "baseline_mae"} <= set(decoded["metrics"])


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_accounts().assign(spend=5.0), "constant"),
        (
            _accounts().astype({"spend": object}).assign(spend=lambda f: f["spend"].where(f.index != 7, "n/a")),
            "'spend' is not numeric at row 7",
        ),
        (_accounts(5), "at least 8 rows"),
        (_accounts().iloc[0:0], "empty"),
    ],
)
def test_unusable_input_raises_a_plain_message(frame, message):
    with pytest.raises(AnalyticsInputError, match=message):
        train_regressor(frame, target="spend", numeric=["orders"])
