"""Run an analytics algorithm on a CSV export: `manage.py analyze {segments,rules,forecast,score} --csv PATH`."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from analytics.algorithms import (
    AnalyticsInputError,
    fit_forecast,
    jsonable,
    mine_rules,
    period_totals,
    rfm_table,
    segment_customers,
    train_classifier,
    train_regressor,
)


class Command(BaseCommand):
    help = (
        "Run segments, rules, forecast or score on a CSV file with named columns and print a table or --json. "
        "Row numbers in error messages are line numbers of the CSV file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        capabilities = parser.add_subparsers(
            dest="capability", required=True, metavar="{segments,rules,forecast,score}"
        )

        segments = capabilities.add_parser("segments", help="RFM table and K-means segments")
        self._common(segments)
        segments.add_argument("--customer-col", default="customer_id")
        segments.add_argument("--order-col", default="order_id")
        segments.add_argument("--date-col", default="ordered_at")
        self._amount(segments)
        segments.add_argument("--as-of", help="date the recency is counted to (default: the day after the last order)")
        segments.add_argument("--k", type=int, help="number of segments (default: chosen by silhouette)")
        segments.add_argument("--k-range", type=_int_pair, default=(2, 8), help="k search range, e.g. 2,8")
        segments.add_argument("--random-state", type=int, default=0)

        rules = capabilities.add_parser("rules", help="association rules over baskets")
        self._common(rules)
        rules.add_argument("--basket-col", default="basket_id")
        rules.add_argument("--item-col", default="item")
        rules.add_argument("--min-support", type=float, required=True, help="share of baskets, e.g. 0.01")
        rules.add_argument("--min-confidence", type=float, default=0.0)
        rules.add_argument("--min-lift", type=float, default=0.0)
        rules.add_argument("--max-len", type=int)
        rules.add_argument("--algorithm", choices=["apriori", "fpgrowth"], default="apriori")
        rules.add_argument(
            "--exclude", action="append", default=[], metavar="ITEM", help="item kept out of rules (repeatable)"
        )
        rules.add_argument("--strip-items", action="store_true", help="strip spaces around item names first")
        rules.add_argument("--top", type=int, default=20, help="rules shown in the table (JSON has all)")

        forecast = capabilities.add_parser("forecast", help="ARIMA forecast of totals per period")
        self._common(forecast)
        forecast.add_argument("--date-col", default="ordered_at")
        self._amount(forecast)
        forecast.add_argument("--freq", choices=["D", "W", "M", "Q"], default="M", help="period to total by")
        forecast.add_argument("--horizon", type=int, required=True, help="periods to forecast")
        forecast.add_argument("--order", type=_int_tuple(3), help="p,d,q (default: searched by AIC)")
        forecast.add_argument("--seasonal-order", type=_int_tuple(4), help="P,D,Q,m (default: searched)")
        forecast.add_argument("--log", action="store_true", help="model the logarithm (values must be positive)")
        forecast.add_argument("--backtest", type=int, help="hold out this many last periods and report MAE and MAPE")

        score = capabilities.add_parser("score", help="logistic (two classes) or ridge (--regression) model")
        self._common(score)
        score.add_argument("--target", required=True)
        score.add_argument("--categorical", type=_names, default=[], help="comma-separated columns")
        score.add_argument("--numeric", type=_names, default=[], help="comma-separated columns")
        score.add_argument("--positive", help="target value scored as the positive class")
        score.add_argument("--regression", action="store_true", help="numeric target: ridge regression")
        score.add_argument("--test-size", type=float, default=0.25)
        score.add_argument("--random-state", type=int, default=0)
        score.add_argument("--explain", type=int, default=0, metavar="N", help="also explain the first N rows")

    @staticmethod
    def _common(parser: ArgumentParser) -> None:
        parser.add_argument("--csv", required=True, type=Path, help="CSV file with a header row")
        parser.add_argument("--json", action="store_true", help="print the full result as JSON")
        parser.add_argument("--drop-blank", action="store_true", help="drop rows whose mapped key columns are blank")

    @staticmethod
    def _amount(parser: ArgumentParser) -> None:
        parser.add_argument("--amount-col", default="amount")
        parser.add_argument("--quantity-col", help="with --price-col: amount = quantity × price")
        parser.add_argument("--price-col")

    def handle(self, *args: Any, **options: Any) -> None:
        frame = self._read(options["csv"])
        self._renamed: dict[str, str] = {}
        runner = getattr(self, f"_{options['capability']}")
        try:
            runner(frame, options)
        except AnalyticsInputError as exc:
            message = str(exc)
            notes = [
                f"{name!r} is CSV column {source!r}" for name, source in self._renamed.items() if f"'{name}'" in message
            ]
            if " row " in message:
                notes.append("rows are line numbers of the CSV")
            raise CommandError(f"{options['csv']}: {message}" + (f" ({'; '.join(notes)})" if notes else "")) from exc

    # Capabilities ---------------------------------------------------------------------------------

    def _segments(self, frame: pd.DataFrame, options: dict[str, Any]) -> None:
        keys = {
            "customer_id": options["customer_col"],
            "order_id": options["order_col"],
            "ordered_at": options["date_col"],
        }
        transactions = self._columns(frame, keys, options, amount=True)
        as_of = options["as_of"]
        if as_of is None:
            latest = pd.to_datetime(transactions["ordered_at"], errors="coerce", format="mixed").max()
            as_of = (latest.normalize() + pd.Timedelta(days=1)) if pd.notna(latest) else pd.Timestamp.now()
        rfm = rfm_table(transactions, as_of=as_of)
        result = segment_customers(
            rfm, k=options["k"], k_range=options["k_range"], random_state=options["random_state"]
        )
        if options["json"]:
            return self._json({"as_of": pd.Timestamp(as_of), **result.to_dict()})
        self._line(
            f"{len(rfm):,} customers as of {pd.Timestamp(as_of).date()}; {len(result.excluded):,} without positive net spend are not segmented."
        )
        self._line(f"k = {result.k} (silhouette {result.silhouette:.3f}, inertia {result.inertia:,.1f})")
        self._line("silhouette by k: " + ", ".join(f"{k}: {score:.3f}" for k, score in result.silhouette_by_k.items()))
        self._table(result.profile)

    def _rules(self, frame: pd.DataFrame, options: dict[str, Any]) -> None:
        baskets = self._columns(frame, {"basket_id": options["basket_col"], "item": options["item_col"]}, options)
        if options["strip_items"]:
            baskets["item"] = baskets["item"].str.strip()
        result = mine_rules(
            baskets,
            min_support=options["min_support"],
            min_confidence=options["min_confidence"],
            min_lift=options["min_lift"],
            max_len=options["max_len"],
            algorithm=options["algorithm"],
            exclude=options["exclude"],
        )
        if options["json"]:
            return self._json(result.to_dict())
        self._line(
            f"{result.baskets:,} baskets, {result.items:,} items, {result.frequent_itemsets:,} frequent itemsets, "
            f"{len(result.rules):,} rules ({result.algorithm}, min_support {result.min_support})"
        )
        shown = result.rules.head(options["top"]).copy()
        for side in ("antecedents", "consequents"):
            shown[side] = shown[side].map(lambda items: ", ".join(sorted(map(str, items))))
        self._table(shown)

    def _forecast(self, frame: pd.DataFrame, options: dict[str, Any]) -> None:
        events = self._columns(frame, {"ordered_at": options["date_col"]}, options, amount=True)
        series = period_totals(events, freq=options["freq"])
        result = fit_forecast(
            series,
            horizon=options["horizon"],
            order=options["order"],
            seasonal_order=options["seasonal_order"],
            log=options["log"],
            backtest=options["backtest"],
        )
        if options["json"]:
            return self._json(result.to_dict())
        model = result.model
        self._line(
            f"{model['observations']} periods ({model['freq']}); ARIMA{tuple(model['order'])}{tuple(model['seasonal_order'])} "
            f"trend={model['trend']} log={model['log']}; AIC {model['aic']:.1f}, BIC {model['bic']:.1f}, sigma2 {model['sigma2']:.4g}"
        )
        self._line("coefficients: " + ", ".join(f"{name} {value:.4g}" for name, value in model["coefficients"].items()))
        if result.filled_periods:
            self._line(
                f"{len(result.filled_periods)} empty period(s) counted as 0, first {result.filled_periods[0].date()}"
            )
        if result.backtest:
            test = result.backtest
            mape = "n/a" if test["mape"] is None else f"{test['mape']:.1f}%"
            naive = "n/a" if test["naive_mape"] is None else f"{test['naive_mape']:.1f}%"
            self._line(
                f"backtest on last {test['points']}: MAE {test['mae']:,.2f}, MAPE {mape} (seasonal-naive MAE {test['naive_mae']:,.2f}, MAPE {naive})"
            )
        self._table(result.forecast)

    def _score(self, frame: pd.DataFrame, options: dict[str, Any]) -> None:
        wanted = [options["target"], *options["categorical"], *options["numeric"]]
        data = self._columns(frame, {name: name for name in wanted}, options, keys=[options["target"]])
        common = {
            "target": options["target"],
            "categorical": options["categorical"],
            "numeric": options["numeric"],
            "test_size": options["test_size"],
            "random_state": options["random_state"],
        }
        if options["regression"]:
            model = train_regressor(data, **common)
        else:
            model = train_classifier(data, positive=options["positive"], **common)
        explained = model.explain(data.head(options["explain"])) if options["explain"] > 0 else None
        if options["json"]:
            payload = model.to_dict()
            if explained is not None:
                payload["explanations"] = explained
            return self._json(payload)
        self._line(
            ", ".join(
                f"{name} {value:.4f}" if isinstance(value, float) else f"{name} {value}"
                for name, value in model.metrics.items()
            )
        )
        self._table(
            model.coefficients.reindex(model.coefficients["coefficient"].abs().sort_values(ascending=False).index)
        )
        if explained is not None:
            self._table(explained)

    # Input and output -------------------------------------------------------------------------------

    def _read(self, path: Path) -> pd.DataFrame:
        """Every column as text, so that the algorithms report the exact line of any bad value."""
        if not path.is_file():
            raise CommandError(f"--csv {path}: no such file.")
        try:
            frame = pd.read_csv(path, dtype=str, skipinitialspace=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: not a readable CSV file ({exc}).") from exc
        frame.index = pd.RangeIndex(2, len(frame) + 2)  # line numbers: the header is line 1
        return frame

    def _columns(
        self,
        frame: pd.DataFrame,
        mapping: dict[str, str],
        options: dict[str, Any],
        *,
        amount: bool = False,
        keys: list[str] | None = None,
    ) -> pd.DataFrame:
        """Rename the mapped CSV columns to the algorithm's names; compute amount from quantity × price if asked."""
        sources = dict(mapping)
        if amount:
            if options["quantity_col"] or options["price_col"]:
                if not (options["quantity_col"] and options["price_col"]):
                    raise CommandError("--quantity-col and --price-col go together.")
                sources.update(_quantity=options["quantity_col"], _price=options["price_col"])
            else:
                sources["amount"] = options["amount_col"]
        missing = [f"{source!r}" for source in dict.fromkeys(sources.values()) if source not in frame.columns]
        if missing:
            raise CommandError(
                f"{options['csv']}: no column {', '.join(missing)}; the header has {', '.join(map(repr, frame.columns))}."
            )
        data = pd.DataFrame({name: frame[source] for name, source in sources.items()}, index=frame.index)
        self._renamed = {
            name: source for name, source in sources.items() if name != source and not name.startswith("_")
        }
        if options["drop_blank"]:
            checked = keys if keys is not None else list(mapping)
            blank = data[checked].apply(lambda column: column.isna() | column.str.strip().eq("")).any(axis=1)
            if blank.any():
                self.stderr.write(
                    f"Dropped {int(blank.sum()):,} row(s) with a blank {', '.join(mapping[name] for name in checked)}."
                )
            data = data[~blank]
        if "_quantity" in data:
            quantity = _numbers(data.pop("_quantity"), options["quantity_col"], options["csv"])
            data["amount"] = quantity * _numbers(data.pop("_price"), options["price_col"], options["csv"])
        return data

    def _line(self, text: str) -> None:
        self.stdout.write(text)

    def _table(self, frame: pd.DataFrame) -> None:
        self.stdout.write(
            frame.to_string(
                index=False, float_format=lambda value: f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
            )
        )

    def _json(self, payload: Any) -> None:
        self.stdout.write(json.dumps(jsonable(payload), indent=2, allow_nan=False))


def _numbers(values: pd.Series, column: str, path: Path) -> pd.Series:
    """Text to numbers; a CommandError names the first line that is not a number."""
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = numbers.isna()
    if bad.any():
        line = bad.idxmax()
        raise CommandError(f"{path}: column {column!r} is not numeric at line {line} (value {values[line]!r}).")
    return numbers


def _int_pair(text: str) -> tuple[int, int]:
    return _int_tuple(2)(text)


def _int_tuple(size: int) -> Any:
    def parse(text: str) -> tuple[int, ...]:
        try:
            values = tuple(int(part) for part in text.split(","))
        except ValueError as exc:
            raise ValueError(f"expected {size} comma-separated whole numbers") from exc
        if len(values) != size:
            raise ValueError(f"expected {size} comma-separated whole numbers")
        return values

    parse.__name__ = f"{size} comma-separated integers"
    return parse


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]
