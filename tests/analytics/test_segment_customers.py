"""segment_customers: K-means on log-scaled, standardized RFM with business labels."""

import json

import numpy as np
import pandas as pd
import pytest

from analytics.algorithms import AnalyticsInputError, segment_customers, segmentation


def _two_groups(size: int = 12) -> pd.DataFrame:
    """Best customers 0..size-1 (recent, frequent, big spend) and lapsed one-off customers after them."""
    rng = np.random.default_rng(7)
    best = pd.DataFrame(
        {
            "recency_days": rng.integers(1, 5, size),
            "frequency": rng.integers(20, 30, size),
            "monetary": rng.uniform(5_000, 8_000, size).round(2),
        }
    )
    lapsed = pd.DataFrame(
        {
            "recency_days": rng.integers(300, 360, size),
            "frequency": np.ones(size, dtype=int),
            "monetary": rng.uniform(10, 40, size).round(2),
        }
    )
    frame = pd.concat([best, lapsed], ignore_index=True)
    frame.insert(0, "customer_id", [f"C{number:03d}" for number in range(2 * size)])
    return frame


def test_two_obvious_groups_are_found_and_best_is_named_champions():
    # given a dozen top customers and a dozen lapsed one-off buyers
    rfm = _two_groups()
    # when k is chosen by silhouette
    result = segment_customers(rfm)
    # then the search picks two segments, split exactly along the groups
    assert result.k == 2 and result.silhouette > 0.5
    by_customer = result.assignments.set_index("customer_id")["label"]
    assert set(by_customer.iloc[:12]) == {"Champions"}
    assert len(set(by_customer.iloc[12:])) == 1 and by_customer.iloc[12] != "Champions"


def test_profile_reports_sizes_shares_and_centroids_in_original_units():
    rfm = _two_groups()
    result = segment_customers(rfm, k=2)
    top = result.profile.set_index("label").loc["Champions"]
    best = rfm.iloc[:12]
    assert top["customers"] == 12 and top["customer_share"] == pytest.approx(0.5)
    assert top["revenue"] == pytest.approx(best["monetary"].sum())
    assert top["revenue_share"] == pytest.approx(best["monetary"].sum() / rfm["monetary"].sum())
    # the centroid is back in days, orders and money, inside the group's range
    assert best["recency_days"].min() <= top["recency_days"] <= best["recency_days"].max()
    assert best["frequency"].min() <= top["frequency"] <= best["frequency"].max()
    assert best["monetary"].min() <= top["monetary"] <= best["monetary"].max()


def test_segments_are_numbered_from_most_valuable():
    result = segment_customers(_two_groups(), k=2)
    assert result.profile["segment"].tolist() == [0, 1]
    assert result.profile.loc[0, "monetary"] > result.profile.loc[1, "monetary"]


def test_customers_without_positive_net_spend_are_reported_not_segmented():
    # given two customers whose returns cancel their spend
    rfm = pd.concat(
        [
            _two_groups(),
            pd.DataFrame(
                {"customer_id": ["R1", "R2"], "recency_days": [5, pd.NA], "frequency": [1, 0], "monetary": [0.0, -12.0]}
            ),
        ],
        ignore_index=True,
    )
    # when
    result = segment_customers(rfm, k=2)
    # then they are listed with a reason and absent from the assignments
    assert result.excluded["customer_id"].tolist() == ["R1", "R2"]
    assert set(result.excluded["reason"]) == {"net spend is not positive"}
    assert not set(result.assignments["customer_id"]) & {"R1", "R2"}
    assert len(result.assignments) == 24


def test_same_data_in_another_row_order_gives_the_same_segments_and_labels():
    rfm = _two_groups(30)
    rfm["recency_days"] = np.arange(60) * 5 + 1  # spread customers so that k > 2 is plausible
    first = segment_customers(rfm, k=4).assignments.set_index("customer_id").sort_index()
    shuffled = (
        segment_customers(rfm.sample(frac=1, random_state=3), k=4).assignments.set_index("customer_id").sort_index()
    )
    pd.testing.assert_frame_equal(first, shuffled)


def test_labels_are_distinct_for_every_k():
    rng = np.random.default_rng(1)
    rfm = pd.DataFrame(
        {
            "customer_id": range(400),
            "recency_days": rng.integers(0, 365, 400),
            "frequency": rng.integers(1, 40, 400),
            "monetary": rng.lognormal(6, 1.2, 400),
        }
    )
    for k in range(2, 9):
        labels = segment_customers(rfm, k=k).profile["label"]
        assert labels.is_unique and len(labels) == k


def test_large_customer_bases_score_silhouette_on_a_fixed_sample(monkeypatch):
    # given a smaller sampling threshold, so the test stays fast
    monkeypatch.setattr(segmentation, "SILHOUETTE_SAMPLE_ABOVE", 60)
    monkeypatch.setattr(segmentation, "SILHOUETTE_SAMPLE_SIZE", 50)
    sizes = []
    real = segmentation.silhouette_score
    monkeypatch.setattr(
        segmentation, "silhouette_score", lambda *a, **kw: sizes.append(kw["sample_size"]) or real(*a, **kw)
    )
    # when
    first = segment_customers(_two_groups(40), k_range=(2, 3))
    second = segment_customers(_two_groups(40), k_range=(2, 3))
    # then every silhouette used the sample, and the seed makes it repeatable
    assert sizes == [50, 50, 50, 50]
    assert first.silhouette == second.silhouette


def test_result_is_json_serialisable():
    payload = segment_customers(_two_groups(), k=2).to_dict()
    decoded = json.loads(json.dumps(payload, allow_nan=False))
    assert decoded["k"] == 2 and len(decoded["assignments"]) == 24 and decoded["profile"][0]["label"] == "Champions"


@pytest.mark.parametrize(
    ("rfm", "kwargs", "message"),
    [
        (
            pd.DataFrame({"customer_id": [1], "recency_days": [1], "frequency": [1], "monetary": [5.0]}),
            {},
            "at least 2 customers",
        ),
        (
            pd.DataFrame({"customer_id": [1, 2], "recency_days": [1, 1], "frequency": [1, 1], "monetary": [5.0, 5.0]}),
            {},
            "different RFM values",
        ),
        (pd.DataFrame({"customer_id": [], "recency_days": [], "frequency": [], "monetary": []}), {}, "empty"),
        (
            pd.DataFrame({"customer_id": [1, 1], "recency_days": [1, 2], "frequency": [1, 2], "monetary": [5.0, 6.0]}),
            {},
            "more than once",
        ),
        (
            pd.DataFrame(
                {"customer_id": [1, 2], "recency_days": [1, 2], "frequency": [1, 2], "monetary": ["5", "lots"]}
            ),
            {},
            "not numeric at row 1",
        ),
        (None, {"k": 9}, "at most 8"),
        (None, {"k": 1}, "at least 2"),
    ],
)
def test_unusable_input_raises_a_plain_message(rfm, kwargs, message):
    with pytest.raises(AnalyticsInputError, match=message):
        segment_customers(_two_groups() if rfm is None else rfm, **kwargs)


def test_missing_monetary_column_is_named():
    with pytest.raises(AnalyticsInputError, match="'monetary'"):
        segment_customers(_two_groups().drop(columns="monetary"))
