"""Analytics benchmark on all 541,909 Online Retail lines (plus Telco for the classifier).

Run from the repository root:  python bench/analytics.py [--data DIR]
Prints wall time and peak memory per task against the targets. Memory is the growth of the process's peak RSS
during the task (Linux VmHWM, reset before each task through /proc/self/clear_refs); where that is unavailable it
falls back to tracemalloc's peak of Python allocations, which also slows the task down.
"""

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from analytics.algorithms import (  # noqa: E402
    fit_forecast,
    mine_rules,
    period_totals,
    rfm_table,
    segment_customers,
    train_classifier,
)

GB = 1024**3


@dataclass
class Outcome:
    task: str
    seconds: float
    peak_bytes: int
    target_seconds: float | None
    target_bytes: int | None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target_seconds is None and self.target_bytes is None:
            return "-"
        slow = self.target_seconds is not None and self.seconds > self.target_seconds
        heavy = self.target_bytes is not None and self.peak_bytes > self.target_bytes
        return "MISS" if slow or heavy else "PASS"

    @property
    def target(self) -> str:
        parts = []
        if self.target_seconds is not None:
            parts.append(f"≤ {self.target_seconds:g} s")
        if self.target_bytes is not None:
            parts.append(f"≤ {self.target_bytes / GB:g} GB")
        return ", ".join(parts) or "-"


def _status() -> dict[str, int]:
    """VmRSS and VmHWM in bytes, from /proc/self/status."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount, _unit = line.split()
                values[name.rstrip(":")] = int(amount) * 1024
    return values


def _can_reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return "VmHWM" in _status()
    except OSError:
        return False


RSS_MODE = _can_reset_peak()


def measure(
    task: str, function: Callable[[], Any], *, seconds: float | None = None, memory: int | None = None
) -> tuple[Outcome, Any]:
    """Run `function` once, timing it and measuring its peak memory growth."""
    gc.collect()
    if RSS_MODE:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        before = _status()["VmRSS"]
    else:
        tracemalloc.start()
    started = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - started
    if RSS_MODE:
        peak = max(0, _status()["VmHWM"] - before)
    else:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    outcome = Outcome(task, elapsed, peak, seconds, memory)
    print(f"  {task}: {elapsed:.2f} s", file=sys.stderr, flush=True)
    return outcome, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("CRM_SHARED_DATA") or str(REPO.parent / "shared" / "data")
    parser.add_argument("--data", default=default, help=f"datasets folder (default: {default})")
    data = Path(parser.parse_args().data)
    retail_csv, telco_csv = (
        data / "online_retail" / "online_retail.csv",
        data / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv",
    )
    for path in (retail_csv, telco_csv):
        if not path.is_file():
            sys.exit(f"{path} not found; pass --data or set CRM_SHARED_DATA.")

    outcomes: list[Outcome] = []

    def record(outcome_and_result: tuple[Outcome, Any]) -> Any:
        outcomes.append(outcome_and_result[0])
        return outcome_and_result[1]

    lines = record(
        measure(
            "load Online Retail CSV (541,909 lines)",
            lambda: pd.read_csv(
                retail_csv, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str}, parse_dates=["InvoiceDate"]
            ),
        )
    )
    lines["amount"] = lines["Quantity"] * lines["UnitPrice"]

    known = lines.dropna(subset=["CustomerID"])
    transactions = pd.DataFrame(
        {
            "customer_id": known["CustomerID"],
            "order_id": known["InvoiceNo"],
            "ordered_at": known["InvoiceDate"],
            "amount": known["amount"],
        }
    )
    as_of = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    segments = record(
        measure(
            "segmentation: RFM + K-means, k searched 2..8",
            lambda: segment_customers(rfm_table(transactions, as_of=as_of)),
            seconds=10,
        )
    )
    outcomes[
        -1
    ].note = f"{len(segments.assignments) + len(segments.excluded):,} customers, k={segments.k}, silhouette {segments.silhouette:.3f}"

    sold = lines[~lines["InvoiceNo"].str.startswith("C")].dropna(subset=["Description"])
    baskets = pd.DataFrame({"basket_id": sold["InvoiceNo"], "item": sold["Description"].str.strip()})
    for support in (0.01, 0.005):
        mined = {}
        for algorithm in ("apriori", "fpgrowth"):
            mined[algorithm] = record(
                measure(
                    f"rules {algorithm}, min_support {support}",
                    # measure() calls the lambda at once, inside this iteration
                    lambda: mine_rules(baskets, min_support=support, algorithm=algorithm, exclude=["POSTAGE"]),  # noqa: B023
                    seconds=30,
                    memory=2 * GB if support == 0.005 else None,
                )
            )
            result = mined[algorithm]
            outcomes[
                -1
            ].note = f"{result.baskets:,} baskets, {result.items:,} items, {result.frequent_itemsets:,} itemsets, {len(result.rules):,} rules"
        same = mined["apriori"].rules.equals(mined["fpgrowth"].rules)
        outcomes[-1].note += "; identical to apriori" if same else "; DIFFERS from apriori"

    revenue = pd.DataFrame({"ordered_at": lines["InvoiceDate"], "amount": lines["amount"]})
    for freq, name, horizon, backtest in (("D", "daily", 28, 28), ("W", "weekly", 8, 8), ("M", "monthly", 3, 3)):
        forecast = record(
            measure(
                f"forecast {name} revenue: order search + backtest {backtest}",
                # measure() calls the lambda at once, inside this iteration
                lambda: fit_forecast(period_totals(revenue, freq=freq), horizon=horizon, backtest=backtest),  # noqa: B023
                seconds=10,
            )
        )
        model, test = forecast.model, forecast.backtest
        mape = "n/a" if test["mape"] is None else f"{test['mape']:.0f}%"
        naive = "n/a" if test["naive_mape"] is None else f"{test['naive_mape']:.0f}%"
        outcomes[-1].note = (
            f"{model['observations']} periods, ARIMA{tuple(model['order'])}{tuple(model['seasonal_order'])}, "
            f"{len(model['searched'])} fits; MAPE {mape} vs naive {naive}"
        )

    telco = pd.read_csv(telco_csv)
    categorical = [
        "gender",
        "SeniorCitizen",
        "Partner",
        "Dependents",
        "PhoneService",
        "MultipleLines",
        "InternetService",
        "OnlineSecurity",
        "OnlineBackup",
        "DeviceProtection",
        "TechSupport",
        "StreamingTV",
        "StreamingMovies",
        "Contract",
        "PaperlessBilling",
        "PaymentMethod",
    ]
    churn = record(
        measure(
            "classifier: Telco churn (7,043 rows)",
            lambda: train_classifier(
                telco, target="Churn", categorical=categorical, numeric=["tenure", "MonthlyCharges", "TotalCharges"]
            ),
            seconds=5,
        )
    )
    outcomes[-1].note = f"holdout AUC {churn.metrics['auc']:.3f}"
    record(measure("explain: Telco, 7,043 rows × top 3", lambda: churn.explain(telco, top=3)))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")
    import django
    from django.core.management import call_command

    django.setup()
    record(
        measure(
            "command: analyze segments on the raw CSV",
            lambda: call_command(
                "analyze",
                "segments",
                "--csv",
                str(retail_csv),
                "--customer-col",
                "CustomerID",
                "--order-col",
                "InvoiceNo",
                "--date-col",
                "InvoiceDate",
                "--quantity-col",
                "Quantity",
                "--price-col",
                "UnitPrice",
                "--drop-blank",
                stdout=StringIO(),
                stderr=StringIO(),
            ),
        )
    )
    outcomes[-1].note = "reads the CSV as text, maps columns, RFM + k search"

    memory = "peak RSS growth (VmHWM)" if RSS_MODE else "tracemalloc peak"
    print(f"Python {sys.version.split()[0]}, pandas {pd.__version__}, {os.cpu_count()} CPUs; memory = {memory}")
    header = f"{'task':<52} {'wall s':>7} {'peak MB':>8}  {'target':<18} {'result':<6} notes"
    print(header)
    print("-" * len(header))
    for outcome in outcomes:
        print(
            f"{outcome.task:<52} {outcome.seconds:>7.2f} {outcome.peak_bytes / 2**20:>8.0f}  {outcome.target:<18} {outcome.verdict:<6} {outcome.note}"
        )


if __name__ == "__main__":
    main()
