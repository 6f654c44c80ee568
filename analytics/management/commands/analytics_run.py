"""manage.py analytics_run KIND [--country C] [--since DATE] [--until DATE] [--param NAME=VALUE ...] [--json]

Creates a run of KIND (segments, rules, forecast, win-score, churn-risk, customer-value) with those filters and
parameters, executes it (through the workers when a broker is configured, in-process otherwise, or with
--in-process), waits for it, and prints its stored results: a table, or with --json the results as JSON. Rules
come out as a list of objects with `antecedents` and `consequents` (lists of product names), `antecedent_support`,
`consequent_support`, `support`, `confidence`, `lift`, `leverage` and `conviction` (null when infinite); the other
kinds as an object with the run and its results. A bad parameter or filter, or a run that fails, ends the command
with a non-zero status and the reason.
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_countries import countries

from accounts.models import Team
from analytics import selectors
from analytics.models import ForecastPoint, Run, SegmentProfile
from analytics.params import params_for
from analytics.services import run_create, run_execute, run_filters_text

KINDS = {kind.value.replace("_", "-"): kind for kind in Run.Kind}


class Command(BaseCommand):
    help = (
        "Run an analytics computation over the CRM's data with filters and --param NAME=VALUE parameters, wait for "
        "it and print its stored results (--json for JSON). Kinds: " + ", ".join(KINDS) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
        parser.add_argument("--country", default="", help="ISO code or English name; of the order's ship-to address")
        parser.add_argument("--since", type=_date, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (also the data's as-of day)")
        parser.add_argument("--team", help="team name: its manager's and members' records")
        parser.add_argument("--owner", help="username: their records")
        parser.add_argument("--segment", type=int, help="id of a segment of a segments run")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a parameter of the kind (repeatable); lists are comma-separated",
        )
        parser.add_argument("--time-zone", default=settings.TIME_ZONE, help="zone the dates are days in")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument("--in-process", action="store_true", help="compute here even when a broker is set")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the workers")
        parser.add_argument("--limit", type=int, default=20, help="rows shown in tables (JSON has all)")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        params = _params(kind, options["param"])
        filters = self._filters(options)
        # Without a broker the workers are this process: compute here rather than through the eager task.
        in_process = options["in_process"] or settings.CELERY_TASK_ALWAYS_EAGER
        try:
            run, created = run_create(
                kind=kind,
                by=None,
                params=params,
                time_zone=options["time_zone"],
                origin=Run.Origin.COMMAND,
                enqueue=not in_process,
                **filters,
            )
        except ValidationError as exc:
            raise CommandError(_validation_text(exc)) from exc
        if not created:
            self.stderr.write(f"The same run is already queued or running: run #{run.pk}; waiting for it.")
        if in_process:
            run_execute(run_id=run.pk)
        run = self._wait(run, timeout=options["timeout"], quiet=in_process)
        if run.status == Run.Status.FAILED:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        self.stderr.write(
            f"Run #{run.pk} ({run.get_kind_display()}) succeeded in {run.duration or 0:.1f} s "
            f"(reading {run.load_seconds or 0:.1f} s, computing {run.compute_seconds or 0:.1f} s, "
            f"saving {run.save_seconds or 0:.1f} s); {run.rows_read or 0:,} rows read, "
            f"{run.subjects or 0:,} analysed, {run.results or 0:,} results."
        )
        if options["json"]:
            self.stdout.write(json.dumps(_payload(run), indent=2, allow_nan=False, default=str))
        else:
            self._table(run, limit=options["limit"])

    # Input ----------------------------------------------------------------------------------------------------

    def _filters(self, options: dict[str, Any]) -> dict[str, Any]:
        filters: dict[str, Any] = {"since": options["since"], "until": options["until"]}
        if options["country"]:
            code = countries.by_name(options["country"]) or options["country"].upper()
            if code not in dict(countries):
                raise CommandError(f"--country {options['country']!r} is not a country (give its ISO code or name).")
            filters["country"] = code
        if options["team"]:
            team = Team.objects.filter(name=options["team"]).first()
            if team is None:
                raise CommandError(f"--team {options['team']!r}: no team has that name.")
            filters["team"] = team
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"--owner {options['owner']!r}: no user has that username.")
            filters["owner"] = owner
        if options["segment"] is not None:
            segment = SegmentProfile.objects.select_related("run").filter(pk=options["segment"]).first()
            if segment is None:
                raise CommandError(f"--segment {options['segment']}: no segment has that id.")
            filters["segment"] = segment
        return filters

    def _wait(self, run: Run, *, timeout: float, quiet: bool) -> Run:
        """Poll the run's row until it has finished (the workers write it)."""
        deadline = time.monotonic() + timeout
        said = -1
        while True:
            run.refresh_from_db()
            if run.is_finished:
                return run
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Run #{run.pk} is still {run.get_status_display().lower()} after {timeout:g} s; "
                    "are the workers running (make worker)? It stays queued and will run when one takes it."
                )
            if not quiet and run.progress != said:
                self.stderr.write(f"  {run.get_status_display()}: {run.get_step_display()} ({run.progress}%)")
                said = run.progress
            time.sleep(0.5)

    # Output ---------------------------------------------------------------------------------------------------

    def _table(self, run: Run, *, limit: int) -> None:
        write = self.stdout.write
        write(f"Run #{run.pk}: {run.get_kind_display()}, data: {run_filters_text(run) or 'all records'}")
        write(f"As of {run.as_of:%Y-%m-%d %H:%M %Z}; parameters: {json.dumps(run.params, default=str)}")
        payload = _payload(run)
        if run.kind == Run.Kind.RULES:
            rows = [
                {
                    **rule,
                    "antecedents": " + ".join(rule["antecedents"]),
                    "consequents": " + ".join(rule["consequents"]),
                }
                for rule in payload[:limit]
            ]
            write(f"{len(payload):,} rules; the strongest {min(limit, len(payload))}:")
            self._rows(rows, ["antecedents", "consequents", "support", "confidence", "lift"])
            return
        if run.kind == Run.Kind.FORECAST:
            for series in payload["series"]:
                write(f"{series['label']}: {series['model'] or 'not modelled'}, {series['periods']} periods")
                if series["error"]:
                    write(f"  {series['error']}")
                    continue
                test = series["backtest_error"]
                verdict = "beats" if test["beats_baseline"] else "does NOT beat"
                write(
                    f"  backtest on {test['periods']} periods: MAE {test['mae']:,.0f} against seasonal-naive "
                    f"{test['naive_mae']:,.0f}: the model {verdict} the seasonal-naive forecast"
                )
                self._rows(series["forecast"], ["period", "value", "lower_80", "upper_80", "lower_95", "upper_95"])
            return
        for key, value in payload.items():
            if key in ("run", "scores") or not isinstance(value, list):
                continue
            write(f"{key}:")
            self._rows(value[:limit], list(value[0]) if value else [])
        if "quality" in payload and payload["quality"]:
            write("quality: " + ", ".join(f"{k} {v}" for k, v in payload["quality"].items() if v is not None))
        if "scores" in payload:
            write(f"top {min(limit, len(payload['scores']))} of {len(payload['scores']):,} scores:")
            rows = [
                {
                    **score,
                    "factors": [f"{f['feature']}={f['value']} ({f['weight']:+.3g})" for f in score["factors"]],
                }
                for score in payload["scores"][:limit]
            ]
            self._rows(rows, ["subject", "name", "value", "factors"])

    def _rows(self, rows: list[dict[str, Any]], columns: list[str]) -> None:
        if not rows:
            self.stdout.write("  (none)")
            return
        text = [[_cell(row.get(column)) for column in columns] for row in rows]
        widths = [max(len(column), *(len(line[i]) for line in text)) for i, column in enumerate(columns)]
        self.stdout.write("  " + "  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True)))
        for line in text:
            self.stdout.write("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _params(kind: str, pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    names = ", ".join(param.name for param in params_for(kind))
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise CommandError(f"--param {pair!r}: write NAME=VALUE (the parameters of this kind are {names}).")
        values[name.strip()] = value
    return values


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errors in exc.error_dict.items():
            text = " ".join(message for error in errors for message in error.messages)
            parts.append(text if name == "__all__" or name in text else f"{name}: {text}")
        return "; ".join(parts)
    return " ".join(exc.messages)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def _payload(run: Run) -> Any:
    """The run's stored results as plain data (what --json prints)."""
    if run.kind == Run.Kind.RULES:
        return [
            {
                "antecedents": [item.product.name for item in rule.items.all() if item.side == "a"],
                "consequents": [item.product.name for item in rule.items.all() if item.side == "c"],
                "antecedent_support": rule.antecedent_support,
                "consequent_support": rule.consequent_support,
                "support": rule.support,
                "confidence": rule.confidence,
                "lift": rule.lift,
                "leverage": rule.leverage,
                "conviction": rule.conviction,
            }
            for rule in selectors.run_rules(run=run, limit=None)
        ]
    header = {
        "id": run.pk,
        "kind": run.kind,
        "params": run.params,
        "filters": run_filters_text(run),
        "as_of": run.as_of.isoformat() if run.as_of else None,
        "rows_read": run.rows_read,
        "analysed": run.subjects,
        "results": run.results,
        "seconds": {"reading": run.load_seconds, "computing": run.compute_seconds, "saving": run.save_seconds},
    }
    quality = selectors.run_quality(run=run)
    quality_fields = {}
    if quality is not None:
        quality_fields = {
            field.name: getattr(quality, field.name)
            for field in quality._meta.concrete_fields
            if field.name != "run" and getattr(quality, field.name) is not None
        }
        quality_fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in quality_fields.items()}
    if run.kind == Run.Kind.SEGMENTS:
        return {
            "run": header,
            "quality": quality_fields,
            "silhouette_by_k": {str(s.k): s.silhouette for s in run.silhouettes.order_by("k")},
            "segments": [
                {
                    "id": segment.pk,
                    "label": segment.label,
                    "name": str(segment.get_label_display()),
                    "customers": segment.customers,
                    "customer_share": segment.customer_share,
                    "revenue": float(segment.revenue),
                    "revenue_share": segment.revenue_share,
                    "recency_days": segment.recency_days,
                    "frequency": segment.frequency,
                    "monetary": float(segment.monetary),
                }
                for segment in selectors.run_segments(run=run)
            ],
        }
    if run.kind == Run.Kind.FORECAST:
        series = []
        for each in selectors.run_forecast_series(run=run):
            points = {
                kind: [
                    {
                        "period": point.period.isoformat(),
                        "value": point.value,
                        **(
                            {
                                "lower_80": point.lower_80,
                                "upper_80": point.upper_80,
                                "lower_95": point.lower_95,
                                "upper_95": point.upper_95,
                            }
                            if kind == ForecastPoint.Kind.FORECAST
                            else {"naive": point.naive}
                            if kind == ForecastPoint.Kind.BACKTEST
                            else {}
                        ),
                    }
                    for point in selectors.run_forecast_points(run=run, series=each.series, kind=kind)
                ]
                for kind in ForecastPoint.Kind.values
            }
            series.append(
                {
                    "series": each.series,
                    "label": each.label,
                    "freq": each.freq,
                    "model": each.model,
                    "periods": each.observations,
                    "dropped_first": each.dropped_first.isoformat() if each.dropped_first else None,
                    "dropped_last": each.dropped_last.isoformat() if each.dropped_last else None,
                    "backtest_error": {
                        "periods": each.backtest_points,
                        "mae": each.mae,
                        "mape": each.mape,
                        "naive_mae": each.naive_mae,
                        "naive_mape": each.naive_mape,
                        "naive_lag": each.naive_lag,
                        "beats_baseline": each.beats_baseline,
                    },
                    "error": each.error or None,
                    **points,
                }
            )
        return {"run": header, "series": series}
    scores = run.scores.order_by("-value", "id").select_related("customer", "opportunity")
    return {
        "run": header,
        "quality": quality_fields,
        "calibration": [
            {"lower": b.lower, "upper": b.upper, "rows": b.rows, "predicted": b.predicted, "observed": b.observed}
            for b in run.calibration.order_by("position")
        ],
        "scores": [
            {
                "subject": score.opportunity_id or score.customer_id,
                "name": str(score.opportunity or score.customer),
                "value": score.value,
                "factors": [
                    {"feature": feature, "value": shown, "weight": weight} for feature, shown, weight in score.factors
                ],
            }
            for score in scores.iterator(chunk_size=2000)
        ],
    }
