"""manage.py analyze: runs each capability on a CSV and reports bad input as a CommandError, never a traceback."""

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command


def _run(*args: str) -> str:
    out = StringIO()
    call_command("analyze", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def orders_csv(tmp_path: Path) -> Path:
    """An export with its own column names: 40 customers, half frequent big spenders, half one-off."""
    rng = np.random.default_rng(0)
    rows = []
    for customer in range(40):
        best = customer < 20
        for number in range(int(rng.integers(8, 12)) if best else 1):
            day = pd.Timestamp("2024-06-30") - pd.Timedelta(
                days=int(rng.integers(1, 20) if best else rng.integers(200, 300)) + number
            )
            rows.append(
                (
                    f"K{customer}",
                    f"O{customer}-{number}",
                    day.isoformat(),
                    2,
                    round(float(rng.uniform(50, 90) if best else 5), 2),
                )
            )
    path = tmp_path / "orders.csv"
    pd.DataFrame(rows, columns=["Client", "Invoice", "Date", "Qty", "Price"]).to_csv(path, index=False)
    return path


ORDER_COLUMNS = [
    "--customer-col",
    "Client",
    "--order-col",
    "Invoice",
    "--date-col",
    "Date",
    "--quantity-col",
    "Qty",
    "--price-col",
    "Price",
]


def test_segments_prints_the_profile_table(orders_csv):
    output = _run("segments", "--csv", str(orders_csv), *ORDER_COLUMNS, "--as-of", "2024-07-01")
    assert "40 customers as of 2024-07-01" in output and "k = 2" in output and "Champions" in output


def test_segments_json_has_every_customer(orders_csv):
    payload = json.loads(_run("segments", "--csv", str(orders_csv), *ORDER_COLUMNS, "--k", "2", "--json"))
    assert payload["k"] == 2 and len(payload["assignments"]) == 40 and payload["as_of"].startswith("2024-06-30")


def test_rules_json_matches_direct_counts(tmp_path):
    path = tmp_path / "lines.csv"
    pd.DataFrame(
        {"invoice": ["1", "1", "2", "2", "3", "4"], "product": ["tea ", "cup", "tea", "cup", "tea", "POSTAGE"]}
    ).to_csv(path, index=False)
    output = _run(
        "rules",
        "--csv",
        str(path),
        "--basket-col",
        "invoice",
        "--item-col",
        "product",
        "--strip-items",
        "--exclude",
        "POSTAGE",
        "--min-support",
        "0.5",
        "--json",
    )
    payload = json.loads(output)
    assert payload["baskets"] == 4
    tea_cup = next(rule for rule in payload["rules"] if rule["antecedents"] == ["tea"])
    assert (
        tea_cup["consequents"] == ["cup"]
        and tea_cup["support"] == 0.5
        and tea_cup["confidence"] == pytest.approx(2 / 3)
    )


def test_forecast_totals_lines_per_period_and_prints_the_forecast(tmp_path):
    days = pd.date_range("2022-01-01", periods=36, freq="MS")
    lines = pd.DataFrame(
        {"when": np.repeat(days, 2), "value": np.tile([100.0, 20.0], 36) + np.repeat(np.arange(36), 2)}
    )
    path = tmp_path / "revenue.csv"
    lines.to_csv(path, index=False)
    output = _run(
        "forecast",
        "--csv",
        str(path),
        "--date-col",
        "when",
        "--amount-col",
        "value",
        "--freq",
        "M",
        "--horizon",
        "2",
        "--order",
        "0,1,0",
    )
    assert "36 periods (M); ARIMA(0, 1, 0)" in output and "2025-01-01" in output and "2025-02-01" in output


def test_score_json_reports_holdout_metrics_and_explanations(tmp_path):
    rng = np.random.default_rng(1)
    plan = rng.choice(["monthly", "annual"], 300)
    churn = np.where(rng.random(300) < np.where(plan == "monthly", 0.6, 0.1), "Yes", "No")
    path = tmp_path / "customers.csv"
    pd.DataFrame({"plan": plan, "tenure": rng.integers(1, 60, 300), "Churn": churn}).to_csv(path, index=False)
    payload = json.loads(
        _run(
            "score",
            "--csv",
            str(path),
            "--target",
            "Churn",
            "--categorical",
            "plan",
            "--numeric",
            "tenure",
            "--explain",
            "2",
            "--json",
        )
    )
    assert payload["positive"] == "Yes" and payload["metrics"]["auc"] > 0.6
    assert {row["row"] for row in payload["explanations"]} == {2, 3}  # CSV line numbers


def test_missing_column_names_the_column_and_the_header(orders_csv):
    with pytest.raises(CommandError, match=r"no column 'Customer'.*the header has 'Client'"):
        _run("segments", "--csv", str(orders_csv), "--customer-col", "Customer")


def test_non_numeric_value_names_the_csv_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("customer_id,order_id,ordered_at,amount\nA,1,2024-01-01,5\nB,2,2024-01-02,five\n")
    with pytest.raises(CommandError, match=r"'amount' is not numeric at row 3 \(value 'five'\).*line numbers"):
        _run("segments", "--csv", str(path))


def test_blank_customers_are_reported_with_the_csv_column_name(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("who,order_id,ordered_at,amount\nA,1,2024-01-01,5\n,2,2024-01-02,6\n")
    with pytest.raises(CommandError, match=r"empty in 1 row.*row 3.*'customer_id' is CSV column 'who'"):
        _run("segments", "--csv", str(path), "--customer-col", "who")


def test_bad_option_value_is_a_command_error(orders_csv):
    with pytest.raises(CommandError, match="--order"):
        _run("forecast", "--csv", str(orders_csv), "--horizon", "3", "--order", "1,2")


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run("rules", "--csv", str(tmp_path / "absent.csv"), "--min-support", "0.1")
