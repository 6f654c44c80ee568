"""Frames the scoring models learn from, built from the loaders' frames: customers' order behaviour as of a cutoff,
what they did in the window after it, and an opportunity's features. Pure pandas (no Django), like the
algorithms, so they are tested on hand-built frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

BEHAVIOUR_NUMERIC = (
    "recency_days",
    "frequency",
    "monetary",
    "tenure_days",
    "average_order",
    "recent_orders",
    "recent_revenue",
    "returns",
)
CUSTOMER_CATEGORICAL = ("country", "tier", "industry")
OPPORTUNITY_NUMERIC = ("amount", "open_moves", "furthest_stage", "days_in_pipeline", "interactions")
OPPORTUNITY_CATEGORICAL = ("source", "industry", "tier")


def order_behaviour(orders: pd.DataFrame, *, cutoff: pd.Timestamp, window_days: int) -> pd.DataFrame:
    """In: customer_id, order_id, ordered_at, amount (one row per order, returns negative). Out: one row per customer
    with a purchase (an order of positive amount) before `cutoff`: customer_id, recency_days (whole days since
    the last purchase), frequency (purchases), monetary (net amount), tenure_days (days since the first order),
    average_order (mean purchase), recent_orders and recent_revenue (purchases and net amount in the
    `window_days` before the cutoff), returns (orders of negative amount); sorted by customer_id."""
    before = orders[orders["ordered_at"] < cutoff]
    purchases = before[before["amount"] > 0]
    if purchases.empty:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in ("customer_id", *BEHAVIOUR_NUMERIC)})
    by_customer = purchases.groupby("customer_id")
    customers = pd.Index(sorted(by_customer.groups), name="customer_id")
    everything = before[before["customer_id"].isin(customers)].groupby("customer_id")
    window_start = cutoff - pd.Timedelta(days=window_days)
    recent = before[before["ordered_at"] >= window_start].groupby("customer_id")
    recent_purchases = purchases[purchases["ordered_at"] >= window_start].groupby("customer_id")
    frame = pd.DataFrame(index=customers)
    frame["recency_days"] = ((cutoff - by_customer["ordered_at"].max()).dt.total_seconds() // 86_400).astype("int64")
    frame["frequency"] = by_customer.size()
    frame["monetary"] = everything["amount"].sum()
    frame["tenure_days"] = ((cutoff - everything["ordered_at"].min()).dt.total_seconds() // 86_400).astype("int64")
    frame["average_order"] = by_customer["amount"].mean()
    frame["recent_orders"] = recent_purchases.size().reindex(customers, fill_value=0)
    frame["recent_revenue"] = recent["amount"].sum().reindex(customers, fill_value=0.0)
    frame["returns"] = (
        before[before["amount"] < 0].groupby("customer_id").size().reindex(customers, fill_value=0).astype("int64")
    )
    return frame.reset_index()


def window_activity(orders: pd.DataFrame, customers: pd.Series, *, start: pd.Timestamp, days: int) -> pd.DataFrame:
    """What each of `customers` did in [start, start + days): customer_id, purchases (orders of positive amount) and
    revenue (net amount, returns included), zero for those who did nothing; in the order of `customers`."""
    end = start + pd.Timedelta(days=days)
    window = orders[(orders["ordered_at"] >= start) & (orders["ordered_at"] < end)]
    purchases = window[window["amount"] > 0].groupby("customer_id").size()
    revenue = window.groupby("customer_id")["amount"].sum()
    ids = pd.Index(customers.to_numpy())
    return pd.DataFrame(
        {
            "customer_id": customers.to_numpy(),
            "purchases": purchases.reindex(ids, fill_value=0).to_numpy().astype("int64"),
            "revenue": revenue.reindex(ids, fill_value=0.0).to_numpy().astype("float64"),
        }
    )


def opportunity_features(opportunities: pd.DataFrame, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """In: the loader's opportunity frame. Out: the same rows with days_in_pipeline (days from creation to close, or
    to `as_of` while open) and won (True, False, or None while open)."""
    frame = opportunities.copy()
    ended = frame["closed_at"].fillna(as_of)
    frame["days_in_pipeline"] = ((ended - frame["created_at"]).dt.total_seconds() / 86_400).clip(lower=0)
    frame["won"] = np.where(frame["outcome"] == "won", True, np.where(frame["outcome"] == "lost", False, None))
    return frame
