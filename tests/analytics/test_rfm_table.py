"""rfm_table: one row per customer with recency, frequency and net monetary value."""

import pandas as pd
import pytest

from analytics.algorithms import AnalyticsInputError, rfm_table

AS_OF = pd.Timestamp("2024-03-31")


def _transactions(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "ordered_at", "amount"])


def test_lines_are_summed_per_order_and_counted_per_customer():
    # given customer 1 with two orders (one of two lines) and customer 2 with one order
    transactions = _transactions(
        [
            (1, "A1", "2024-03-01 10:00", 10.0),
            (1, "A1", "2024-03-01 10:00", 5.0),
            (1, "A2", "2024-03-21 09:00", 20.0),
            (2, "B1", "2024-01-31 12:00", 7.5),
        ]
    )
    # when
    rfm = rfm_table(transactions, as_of=AS_OF)
    # then recency is calendar days since the last order, orders are distinct, money is the sum of lines
    expected = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "recency_days": pd.array([10, 60], dtype="Int64"),
            "frequency": [2, 1],
            "monetary": [35.0, 7.5],
        }
    )
    pd.testing.assert_frame_equal(rfm, expected)


def test_cancellation_lowers_monetary_but_is_not_a_visit():
    # given a purchase on 1 March and its partial cancellation on 20 March
    transactions = _transactions([(1, "A1", "2024-03-01", 30.0), (1, "C1", "2024-03-20", -10.0)])
    # when
    rfm = rfm_table(transactions, as_of=AS_OF).iloc[0]
    # then recency and frequency ignore the cancellation, monetary nets it
    assert (rfm["recency_days"], rfm["frequency"], rfm["monetary"]) == (30, 1, 20.0)


def test_customer_whose_returns_cancel_all_spend_is_kept_with_non_positive_monetary():
    transactions = _transactions(
        [
            (1, "A1", "2024-03-01", 30.0),
            (1, "C1", "2024-03-02", -30.0),
            (2, "C2", "2024-03-03", -5.0),
            (3, "A3", "2024-03-04", 1.0),
        ]
    )
    rfm = rfm_table(transactions, as_of=AS_OF).set_index("customer_id")
    assert list(rfm.index) == [1, 2, 3]
    assert rfm.loc[1, "monetary"] == 0 and rfm.loc[2, "monetary"] == -5
    assert rfm.loc[2, "frequency"] == 0 and pd.isna(rfm.loc[2, "recency_days"])


def test_amounts_given_as_text_are_read_as_numbers():
    rfm = rfm_table(_transactions([(1, "A1", "2024-03-01", " 12.5 ")]), as_of=AS_OF)
    assert rfm["monetary"].tolist() == [12.5]


def test_non_numeric_amount_is_reported_with_its_row():
    transactions = _transactions([(1, "A1", "2024-03-01", "12"), (1, "A2", "2024-03-02", "twelve")])
    with pytest.raises(AnalyticsInputError, match=r"'amount' is not numeric at row 1 \(value 'twelve'\)"):
        rfm_table(transactions, as_of=AS_OF)


def test_missing_column_is_named():
    with pytest.raises(AnalyticsInputError, match="missing column.*'order_id'"):
        rfm_table(pd.DataFrame({"customer_id": [1], "ordered_at": ["2024-01-01"], "amount": [1]}), as_of=AS_OF)


def test_empty_transactions_are_rejected():
    with pytest.raises(AnalyticsInputError, match="empty"):
        rfm_table(_transactions([]), as_of=AS_OF)


def test_orders_after_as_of_are_rejected_rather_than_given_negative_recency():
    with pytest.raises(AnalyticsInputError, match="after as_of"):
        rfm_table(_transactions([(1, "A1", "2024-04-02", 5.0)]), as_of=AS_OF)


def test_blank_customer_is_reported_with_its_row():
    with pytest.raises(AnalyticsInputError, match="'customer_id' is empty in 1 row.*row 1"):
        rfm_table(_transactions([(1, "A1", "2024-03-01", 5.0), (None, "A2", "2024-03-01", 5.0)]), as_of=AS_OF)


def test_unparseable_date_is_reported():
    with pytest.raises(AnalyticsInputError, match="not a date at row 0"):
        rfm_table(_transactions([(1, "A1", "yesterday-ish", 5.0)]), as_of=AS_OF)
