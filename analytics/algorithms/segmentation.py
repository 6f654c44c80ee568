"""RFM tables and K-means customer segments with business labels."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from ._frames import datetimes, jsonable, numeric, require_columns, require_no_missing, require_rows
from ._threads import one_thread
from .errors import AnalyticsInputError

TRANSACTION_COLUMNS = ("customer_id", "order_id", "ordered_at", "amount")
RFM_COLUMNS = ("customer_id", "recency_days", "frequency", "monetary")

# Above SILHOUETTE_SAMPLE_ABOVE customers the silhouette, which costs O(n²), is computed on a fixed-seed sample
# of SILHOUETTE_SAMPLE_SIZE (about 1 s per k; 100,000 customers segment in about 10 s on two cores).
SILHOUETTE_SAMPLE_ABOVE = 20_000
SILHOUETTE_SAMPLE_SIZE = 10_000

# Where each label sits in standardized log-RFM space, as (recency, frequency, monetary) with recency
# negated so that +1 always means "better than the average customer". Centroids are matched to these
# one-to-one (Hungarian assignment), so labels are unique and follow from where the centroids lie.
LABEL_PROTOTYPES: dict[str, tuple[float, float, float]] = {
    "Champions": (1.0, 1.2, 1.2),
    "Loyal": (0.4, 0.8, 0.8),
    "Potential loyalists": (0.8, 0.0, 0.0),
    "New": (1.0, -0.9, -0.7),
    "Need attention": (0.0, 0.0, 0.0),
    "At risk": (-0.9, 0.6, 0.6),
    "Hibernating": (-0.6, -0.6, -0.6),
    "Lost": (-1.3, -0.9, -0.9),
}


@dataclass(frozen=True)
class Segmentation:
    """Customer segments: assignments, a profile per segment, the chosen k and its quality."""

    assignments: pd.DataFrame  # customer_id, segment, label
    profile: (
        pd.DataFrame
    )  # segment, label, customers, customer_share, revenue, revenue_share, recency_days, frequency, monetary
    k: int
    silhouette: float
    inertia: float
    silhouette_by_k: dict[int, float] = field(default_factory=dict)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)  # customer_id, monetary, reason

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form."""
        return jsonable(
            {
                "k": self.k,
                "silhouette": self.silhouette,
                "inertia": self.inertia,
                "silhouette_by_k": self.silhouette_by_k,
                "profile": self.profile,
                "assignments": self.assignments,
                "excluded": self.excluded,
            }
        )


def rfm_table(transactions: pd.DataFrame, *, as_of: pd.Timestamp | str) -> pd.DataFrame:
    """In: customer_id, order_id, ordered_at, amount (returns negative). Out: customer_id, recency_days (calendar days since the last purchase), frequency (purchases), monetary (net), one row per customer. Raises AnalyticsInputError."""
    require_columns(transactions, TRANSACTION_COLUMNS, what="transactions")
    require_rows(transactions, what="transactions")
    require_no_missing(transactions["customer_id"], what="transactions column 'customer_id'")
    require_no_missing(transactions["order_id"], what="transactions column 'order_id'")
    ordered_at = datetimes(transactions["ordered_at"], what="transactions column 'ordered_at'")
    amount = numeric(transactions["amount"], what="transactions column 'amount'")
    as_of = pd.Timestamp(as_of)
    if as_of.tz is not None:
        as_of = as_of.tz_convert("UTC").tz_localize(None)
    late = ordered_at > as_of
    if late.any():
        raise AnalyticsInputError(
            f"{int(late.sum()):,} transaction(s) are after as_of {as_of}, first at row {late.idxmax()!r}; "
            "filter them out or move as_of."
        )

    lines = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"],
            "order_id": transactions["order_id"],
            "ordered_at": ordered_at,
            "amount": amount,
        }
    )
    orders = lines.groupby(["customer_id", "order_id"], sort=False).agg(
        ordered_at=("ordered_at", "min"), amount=("amount", "sum")
    )
    orders = orders.reset_index()
    # A purchase is an order whose lines net to a positive amount; cancellations and returns lower monetary
    # but are neither a visit (frequency) nor a sign of recent buying (recency).
    purchases = orders[orders["amount"] > 0]
    customers = pd.DataFrame(index=pd.Index(orders["customer_id"].unique(), name="customer_id")).sort_index()
    last_purchase = purchases.groupby("customer_id")["ordered_at"].max()
    # Calendar days: an order late yesterday is 1 day old, whatever the hour of as_of.
    recency = (as_of.normalize() - last_purchase.reindex(customers.index).dt.normalize()).dt.days
    customers["recency_days"] = recency.astype("Int64")
    customers["frequency"] = (
        purchases.groupby("customer_id").size().reindex(customers.index, fill_value=0).astype("int64")
    )
    customers["monetary"] = orders.groupby("customer_id")["amount"].sum().reindex(customers.index).round(10)
    return customers.reset_index()


def segment_customers(
    rfm: pd.DataFrame,
    *,
    k: int | None = None,
    k_range: tuple[int, int] = (2, 8),
    random_state: int = 0,
) -> Segmentation:
    """In: customer_id, recency_days, frequency, monetary. Out: Segmentation (K-means on standardized log RFM, k by silhouette when not given). Raises AnalyticsInputError."""
    require_columns(rfm, RFM_COLUMNS, what="rfm")
    require_rows(rfm, what="rfm")
    require_no_missing(rfm["customer_id"], what="rfm column 'customer_id'")
    table = pd.DataFrame(
        {
            "customer_id": rfm["customer_id"],
            "recency_days": numeric(rfm["recency_days"], what="rfm column 'recency_days'", allow_missing=True),
            "frequency": numeric(rfm["frequency"], what="rfm column 'frequency'"),
            "monetary": numeric(rfm["monetary"], what="rfm column 'monetary'"),
        }
    )
    if table["customer_id"].duplicated().any():
        row = table["customer_id"].duplicated().idxmax()
        raise AnalyticsInputError(f"rfm has customer {table.loc[row, 'customer_id']!r} more than once (row {row!r}).")
    if (table["recency_days"] < 0).any():
        raise AnalyticsInputError(
            f"rfm column 'recency_days' is negative at row {(table['recency_days'] < 0).idxmax()!r}."
        )

    eligible = (table["monetary"] > 0) & (table["frequency"] > 0) & table["recency_days"].notna()
    excluded = table.loc[~eligible, ["customer_id", "monetary"]].assign(reason="net spend is not positive")
    table = table[eligible].sort_values("customer_id", kind="stable").reset_index(drop=True)
    k_values = _candidate_ks(table, k=k, k_range=k_range)

    scaler = StandardScaler()
    features = scaler.fit_transform(np.log1p(table[["recency_days", "frequency", "monetary"]].to_numpy()))
    sample = SILHOUETTE_SAMPLE_SIZE if len(features) > SILHOUETTE_SAMPLE_ABOVE else None
    fits: dict[int, KMeans] = {}
    scores: dict[int, float] = {}
    with one_thread():
        for candidate in k_values:
            fits[candidate] = KMeans(n_clusters=candidate, n_init=10, random_state=random_state).fit(features)
            scores[candidate] = float(
                silhouette_score(features, fits[candidate].labels_, sample_size=sample, random_state=random_state)
            )
    chosen = max(k_values, key=lambda candidate: (scores[candidate], -candidate))  # ties → fewer segments
    model = fits[chosen]

    # Number segments from the most to the least valuable centroid, so ids do not depend on K-means' own order.
    value_space = model.cluster_centers_ * np.array([-1.0, 1.0, 1.0])
    order = np.argsort(-value_space.sum(axis=1), kind="stable")
    segment_of_cluster = np.empty(chosen, dtype=int)
    segment_of_cluster[order] = np.arange(chosen)
    labels = _labels_for(value_space[order])

    table["segment"] = segment_of_cluster[model.labels_]
    table["label"] = [labels[segment] for segment in table["segment"]]
    centroids = np.expm1(scaler.inverse_transform(model.cluster_centers_[order]))
    grouped = table.groupby("segment")
    profile = pd.DataFrame(
        {
            "segment": np.arange(chosen),
            "label": labels,
            "customers": grouped.size().reindex(range(chosen), fill_value=0).to_numpy(),
            "revenue": grouped["monetary"].sum().reindex(range(chosen), fill_value=0.0).to_numpy(),
            "recency_days": centroids[:, 0],
            "frequency": centroids[:, 1],
            "monetary": centroids[:, 2],
        }
    )
    profile.insert(3, "customer_share", profile["customers"] / profile["customers"].sum())
    profile.insert(5, "revenue_share", profile["revenue"] / profile["revenue"].sum())
    return Segmentation(
        assignments=table[["customer_id", "segment", "label"]],
        profile=profile,
        k=int(chosen),
        silhouette=scores[chosen],
        inertia=float(model.inertia_),
        silhouette_by_k=scores,
        excluded=excluded.reset_index(drop=True),
    )


def _candidate_ks(table: pd.DataFrame, *, k: int | None, k_range: tuple[int, int]) -> list[int]:
    """The k values to try, checked against the number of distinct customers and labels."""
    distinct = len(table.drop_duplicates(subset=["recency_days", "frequency", "monetary"]))
    if distinct < 2:
        raise AnalyticsInputError(
            f"Segmentation needs at least 2 customers with positive net spend and different RFM values; found {distinct}."
        )
    if k is not None:
        low = high = int(k)
    else:
        low, high = (int(bound) for bound in k_range)
    if low < 2 or high < low:
        raise AnalyticsInputError(
            f"k must be at least 2 and k_range ordered (low, high); got k={k}, k_range={k_range}."
        )
    if high > len(LABEL_PROTOTYPES):
        raise AnalyticsInputError(f"k can be at most {len(LABEL_PROTOTYPES)}, one per business label; got {high}.")
    if low >= distinct:
        raise AnalyticsInputError(f"k={low} needs more than {low} distinct customers; there are {distinct}.")
    return list(range(low, min(high, distinct - 1) + 1))


def _labels_for(value_space_centroids: np.ndarray) -> list[str]:
    """Match each centroid (rows, in value space) to the nearest business label, one label per centroid."""
    names = list(LABEL_PROTOTYPES)
    prototypes = np.array([LABEL_PROTOTYPES[name] for name in names])
    cost = np.linalg.norm(value_space_centroids[:, None, :] - prototypes[None, :, :], axis=2)
    rows, columns = linear_sum_assignment(cost)
    labels = [""] * len(value_space_centroids)
    for row, column in zip(rows, columns, strict=True):
        labels[row] = names[column]
    return labels
