"""train_classifier: logistic regression with holdout metrics, probabilities and per-row explanations."""

import json

import numpy as np
import pandas as pd
import pytest

from analytics.algorithms import AnalyticsInputError, train_classifier


def _customers(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Monthly-plan, short-tenure customers churn far more often; region is noise."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["monthly", "annual"], n)
    tenure = rng.integers(1, 72, n)
    region = rng.choice(["north", "south"], n)
    logit = -1.0 + 2.0 * (plan == "monthly") - 0.05 * tenure
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"plan": plan, "tenure": tenure, "region": region, "churn": np.where(churned, "Yes", "No")})


FEATURES = {"categorical": ["plan", "region"], "numeric": ["tenure"]}


def test_signal_is_learned_and_scored_on_the_holdout():
    # given customers whose churn depends on plan and tenure
    frame = _customers()
    # when
    model = train_classifier(frame, target="churn", **FEATURES)
    # then the holdout discriminates well and the risky profile scores higher
    assert model.positive == "Yes" and model.metrics["auc"] > 0.75
    risky = pd.DataFrame({"plan": ["monthly"], "tenure": [2], "region": ["north"]})
    safe = pd.DataFrame({"plan": ["annual"], "tenure": [70], "region": ["north"]})
    assert model.predict_proba(risky).item() > 0.6 > 0.2 > model.predict_proba(safe).item()


def test_metrics_are_consistent_with_each_other_and_the_class_counts():
    frame = _customers()
    metrics = train_classifier(frame, target="churn", **FEATURES).metrics
    confusion = metrics["confusion_matrix"]
    assert sum(confusion.values()) == metrics["test_rows"] == 150
    assert metrics["accuracy"] == pytest.approx((confusion["tp"] + confusion["tn"]) / metrics["test_rows"])
    churn_rate = (frame["churn"] == "Yes").mean()
    # stratified split: both parts keep the overall churn rate
    assert metrics["class_balance"]["positive_rate_test"] == pytest.approx(churn_rate, abs=1 / 150)
    assert metrics["class_balance"]["positive_rate_test"] == pytest.approx((confusion["tp"] + confusion["fn"]) / 150)
    assert 0 < metrics["brier"] < churn_rate * (1 - churn_rate)  # better than always guessing the rate


def test_explanations_add_up_to_the_difference_in_log_odds():
    # given two customers
    model = train_classifier(_customers(), target="churn", **FEATURES)
    rows = pd.DataFrame(
        {"plan": ["monthly", "annual"], "tenure": [3, 60], "region": ["south", "north"]}, index=["a", "b"]
    )
    # when every factor is listed
    explanation = model.explain(rows, top=10)
    # then the factors of each row differ by exactly the difference of their log-odds
    totals = explanation.groupby("row")["contribution"].sum()
    odds = np.log(model.predict_proba(rows) / (1 - model.predict_proba(rows)))
    assert totals["a"] - totals["b"] == pytest.approx(odds["a"] - odds["b"])


def test_strongest_factors_name_the_real_drivers_with_their_values():
    model = train_classifier(_customers(), target="churn", **FEATURES)
    row = pd.DataFrame({"plan": ["monthly"], "tenure": [1], "region": ["north"]})
    explanation = model.explain(row, top=2)
    positive = explanation[explanation["direction"] == "positive"]
    assert set(positive["feature"]) == {"plan", "tenure"}
    assert positive["contribution"].is_monotonic_decreasing and (positive["contribution"] > 0).all()
    assert positive.set_index("feature").loc["plan", "value"] == "monthly"
    assert list(explanation.columns) == ["row", "direction", "rank", "feature", "value", "contribution"]


def test_blank_numbers_are_imputed_and_unseen_categories_still_score():
    frame = _customers().astype({"tenure": object})
    frame.loc[[3, 10, 20], "tenure"] = " "
    model = train_classifier(frame, target="churn", **FEATURES)
    unseen = pd.DataFrame({"plan": ["weekly", None], "tenure": [" ", "12"], "region": ["east", "north"]})
    probabilities = model.predict_proba(unseen)
    assert probabilities.between(0, 1).all() and probabilities.notna().all()


def test_boolean_target_scores_true():
    frame = _customers().assign(churn=lambda f: f["churn"] == "Yes")
    model = train_classifier(frame, target="churn", **FEATURES)
    assert model.positive == True  # noqa: E712 - numpy's True is not the `True` singleton
    assert model.metrics["class_balance"]["positive_rate_train"] == pytest.approx(frame["churn"].mean(), abs=0.01)


def test_result_is_json_serialisable_without_the_pipeline():
    payload = train_classifier(_customers(), target="churn", **FEATURES).to_dict()
    decoded = json.loads(json.dumps(payload, allow_nan=False))
    assert decoded["positive"] == "Yes" and {"auc", "brier", "accuracy"} <= set(decoded["metrics"])
    assert {row["feature"] for row in decoded["coefficients"]} == {"plan", "region", "tenure"}


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda f: f.assign(churn="No"), {}, "exactly two classes; it has 1"),
        (lambda f: f.assign(churn=np.resize(["a", "b", "c"], len(f))), {}, "exactly two classes; it has 3"),
        (lambda f: f.assign(churn=np.resize(["stay", "go"], len(f))), {}, "Say which value"),
        (lambda f: f, {"positive": "Maybe"}, "positive='Maybe' is not a value"),
        (
            lambda f: f.assign(tenure=f["tenure"].astype(object).where(f.index != 5, "ten")),
            {},
            "'tenure' is not numeric at row 5",
        ),
        (lambda f: f.drop(columns="plan"), {}, "missing column.*'plan'"),
        (lambda f: f.iloc[0:0], {}, "empty"),
        (lambda f: f.assign(churn=["Yes"] + ["No"] * (len(f) - 1)), {}, "needs both classes"),
        (lambda f: f, {"test_size": 1.5}, "test_size"),
    ],
)
def test_unusable_input_raises_a_plain_message(change, kwargs, message):
    with pytest.raises(AnalyticsInputError, match=message):
        train_classifier(change(_customers(80)), target="churn", **{**FEATURES, **kwargs})


def test_no_features_is_rejected():
    with pytest.raises(AnalyticsInputError, match="at least one"):
        train_classifier(_customers(), target="churn")
