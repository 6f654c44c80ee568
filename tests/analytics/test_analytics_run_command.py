"""manage.py analytics_run: creates and executes a run with the filters and --param values given, waits, and prints
its stored results; rules as JSON objects; a bad parameter ends the command with a clear message and no run."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.models import Run
from tests.analytics._history import END, pipeline_history, sales_history

pytestmark = pytest.mark.django_db

RULE_KEYS = {
    "antecedents",
    "consequents",
    "antecedent_support",
    "consequent_support",
    "support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
}


@pytest.fixture
def history(rep):
    return sales_history(owner=rep)


def run_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("analytics_run", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rules_come_out_as_json_objects_with_product_names(history):
    out, err = run_command("rules", "--param", "min_support=0.05", "--param", "max_len=2", "--json")

    rules = json.loads(out)
    names = {product.name for product in history["products"]}
    assert isinstance(rules, list) and rules
    assert all(set(rule) == RULE_KEYS for rule in rules)
    assert all(set(rule["antecedents"]) | set(rule["consequents"]) <= names for rule in rules)
    assert all(len(rule["antecedents"]) == len(rule["consequents"]) == 1 for rule in rules)
    assert [rule["lift"] for rule in rules] == sorted((rule["lift"] for rule in rules), reverse=True)
    assert all(rule["conviction"] is None or rule["conviction"] > 0 for rule in rules)
    run = Run.objects.get()
    assert run.origin == Run.Origin.COMMAND and run.status == Run.Status.SUCCEEDED
    assert f"Run #{run.pk} (Basket rules) succeeded" in err


def test_every_parameter_of_the_algorithm_can_be_given(history):
    product_a = history["products"][0]

    out, _err = run_command(
        "rules",
        "--param",
        "min_support=0.02",
        "--param",
        "min_confidence=0.3",
        "--param",
        "min_lift=1.01",
        "--param",
        f"exclude={product_a.sku.lower()}",
        "--param",
        "algorithm=fpgrowth",
        "--json",
    )

    rules = json.loads(out)
    assert all(product_a.name not in rule["antecedents"] + rule["consequents"] for rule in rules)
    assert all(rule["confidence"] >= 0.3 and rule["lift"] >= 1.01 and rule["support"] >= 0.02 for rule in rules)
    assert Run.objects.get().params["algorithm"] == "fpgrowth"


def test_filters_are_the_runs_columns(history):
    run_command("segments", "--country", "GB", "--since", "2023-01-01", "--until", "2023-12-31", "--json")

    run = Run.objects.get()
    assert (str(run.country), run.since.isoformat(), run.until.isoformat()) == ("GB", "2023-01-01", "2023-12-31")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rules", "--param", "min_support=0"], "min_support must be greater than 0; got 0."),
        (["forecast", "--param", "horizon=0"], "horizon must be at least 1; got 0."),
        (
            ["segments", "--since", "2023-06-01", "--until", "2023-05-01"],
            "The date range is empty: it ends on 2023-05-01, before it starts on 2023-06-01.",
        ),
        (["rules", "--param", "support=0.1"], "Basket rules has no parameter “support”"),
        (["rules", "--param", "min_support"], "write NAME=VALUE"),
        (["churn-risk", "--country", "Atlantis"], "is not a country"),
        (["churn-risk", "--country", "JP"], "No sales orders match these filters (country Japan)."),
        (["segments", "--segment", "999"], "no segment has that id"),
    ],
)
def test_bad_parameters_end_the_command_with_a_message_and_no_run(history, args, message):
    with pytest.raises(CommandError) as caught:
        run_command(*args)

    assert message in str(caught.value)
    assert Run.objects.count() == 0


def test_a_run_that_fails_ends_the_command_with_its_reason(history):
    with pytest.raises(CommandError) as caught:
        run_command("forecast", "--param", "freq=M", "--param", "backtest=12")

    run = Run.objects.get()
    assert str(caught.value) == f"Run #{run.pk} failed: {run.error}"
    assert "at least 22 are needed" in run.error


@pytest.mark.parametrize("kind", ["segments", "rules", "forecast", "churn-risk", "customer-value", "win-score"])
def test_each_kind_prints_its_results_as_a_table_and_as_json(history, rep, kind):
    pipeline_history(owner=rep)

    table, _err = run_command(kind, "--until", (END.date()).isoformat())
    as_json, _err = run_command(kind, "--until", (END.date()).isoformat(), "--json")

    runs = list(Run.objects.filter(kind=kind.replace("-", "_")))
    assert len(runs) == 2 and all(run.status == Run.Status.SUCCEEDED for run in runs)
    assert table.startswith((f"Run #{runs[0].pk}:", f"Run #{runs[1].pk}:"))
    payload = json.loads(as_json)
    if kind == "rules":
        assert isinstance(payload, list)
    else:
        assert payload["run"]["kind"] == kind.replace("-", "_")
        assert payload.get("segments") or payload.get("series") or payload.get("scores")
