"""The loaders on real files: the first 60,000 lines of Online Retail imported through the product's import, and
the Maven CRM pipeline's 8,800 opportunities loaded with their stage history; every frame checked against counts
made directly from the CSV files. Each dataset is written once for the module and removed after it."""

import csv
import itertools
import zoneinfo
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from analytics import loaders
from analytics.models import ModelQuality, Run, Score
from analytics.services import run_create, run_execute
from customers.models import Customer
from sales.models import ImportedCustomer, Opportunity, Order, OrderLine, Product, Stage, StageChange
from sales.services.online_retail import COUNTRY_ALIASES, online_retail_import
from tests.analytics.conftest import shared_data_dir

pytestmark = [pytest.mark.real_data, pytest.mark.django_db]

LINES = 60_000
UTC_ZONE = zoneinfo.ZoneInfo("UTC")


def _source(relative: str) -> Path:
    path = shared_data_dir() / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not in {shared_data_dir()} (set CRM_SHARED_DATA to the datasets folder)")
    return path


def _remove_everything() -> None:
    """What the module wrote, children first (nothing else is in the test database between tests)."""
    with transaction.atomic():
        Score.objects.all().delete()
        Run.objects.all().delete()
        StageChange.objects.all().delete()
        Opportunity.all_objects.all().delete()
        OrderLine.objects.all().delete()
        Order.all_objects.all().delete()
        ImportedCustomer.objects.all().delete()
        Customer.all_objects.all().delete()
        Product.objects.all().delete()
        get_user_model().objects.filter(username="retail.owner").delete()


# Online Retail --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retail(django_db_setup, django_db_blocker, tmp_path_factory):
    """The slice imported once; yields the file's good lines (those the import keeps: quantity not 0, price not
    negative) as dicts with the price as the import stores it (to the cent)."""
    source = _source("online_retail/online_retail.csv")
    path = tmp_path_factory.mktemp("retail") / "slice.csv"
    with source.open(encoding="utf-8") as handle:
        path.write_text("".join(itertools.islice(handle, LINES + 1)), encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        rows = [
            {**row, "price": Decimal(row["UnitPrice"]).quantize(Decimal("0.01")), "quantity": int(row["Quantity"])}
            for row in csv.DictReader(handle)
            if int(row["Quantity"]) != 0 and Decimal(row["UnitPrice"]) >= 0
        ]
    with django_db_blocker.unblock():
        owner = get_user_model().objects.create(username="retail.owner")
        online_retail_import(path=path, owner=owner)
        try:
            yield rows
        finally:
            _remove_everything()


def scope(**kwargs) -> loaders.Scope:
    return loaders.Scope(zone=UTC_ZONE, **kwargs)


def _amount(row) -> float:
    return float(row["quantity"] * row["price"])


def test_baskets_are_the_sales_invoices_and_their_products(retail):
    frame = loaders.basket_frame(scope())

    sold = [row for row in retail if not row["InvoiceNo"].startswith("C") and row["quantity"] > 0]
    assert frame["basket_id"].nunique() == len({row["InvoiceNo"] for row in sold})
    assert len(frame) == len(sold)
    pairs = {(row["InvoiceNo"], row["StockCode"].upper()) for row in sold}
    numbers = dict(Order.objects.values_list("pk", "number"))
    skus = {pk: sku.upper() for pk, sku in Product.objects.values_list("pk", "sku")}
    assert {(numbers[b], skus[i]) for b, i in frame[["basket_id", "item"]].itertuples(index=False)} == pairs


def test_transactions_are_each_known_customers_invoices_with_their_net_amounts(retail):
    frame = loaders.transaction_frame(scope())

    known = [row for row in retail if row["CustomerID"]]
    totals: dict[str, float] = defaultdict(float)
    for row in known:
        totals[row["InvoiceNo"]] += _amount(row)
    numbers = dict(Order.objects.values_list("pk", "number"))
    by_number = dict(zip(frame["order_id"].map(numbers), frame["amount"], strict=True))
    assert frame["customer_id"].nunique() == len({row["CustomerID"] for row in known})
    assert set(by_number) == set(totals)
    assert all(by_number[number] == pytest.approx(total, abs=0.005) for number, total in totals.items())
    assert frame["lines"].sum() == len(known)
    assert (frame["amount"] < 0).sum() == len({r["InvoiceNo"] for r in known if r["InvoiceNo"].startswith("C")})


def test_revenue_per_week_keeps_guests_and_returns(retail):
    frame = loaders.revenue_frame(scope(), group_by="overall")

    weeks = frame.groupby(frame["ordered_at"].dt.to_period("W"))["amount"].sum()
    expected: dict[pd.Period, float] = defaultdict(float)
    for row in retail:
        expected[pd.Timestamp(row["InvoiceDate"]).to_period("W")] += _amount(row)
    assert set(weeks.index) == set(expected)
    assert all(weeks[week] == pytest.approx(total, abs=0.01) for week, total in expected.items())
    assert frame["lines"].sum() == len(retail)


def test_country_date_range_and_end_of_data_match_the_file(retail):
    france = loaders.basket_frame(scope(country="FR"))
    start, end = datetime(2010, 12, 5, tzinfo=UTC), datetime(2010, 12, 8, tzinfo=UTC)
    in_range = loaders.transaction_frame(scope(start=start, end=end))

    french = {r["InvoiceNo"] for r in retail if r["Country"] == "France" and not r["InvoiceNo"].startswith("C")}
    assert france["basket_id"].nunique() == len(french)
    days = {
        r["InvoiceNo"]
        for r in retail
        if r["CustomerID"] and date(2010, 12, 5) <= date.fromisoformat(r["InvoiceDate"][:10]) < date(2010, 12, 8)
    }
    assert in_range["order_id"].nunique() == len(days)
    last = max(datetime.fromisoformat(r["InvoiceDate"]) for r in retail)
    assert loaders.order_data_end(scope()) == datetime.combine(
        last.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC
    )
    assert set(COUNTRY_ALIASES) & {r["Country"] for r in retail}  # the slice exercises the country aliases


def test_segments_and_rules_run_end_to_end_on_the_slice(retail):
    runs = []
    for kind, params in (("segments", {}), ("rules", {"min_support": "0.02"})):
        run, _ = run_create(kind=kind, by=None, params=params, time_zone="UTC", enqueue=False)
        run_execute(run_id=run.pk)
        run.refresh_from_db()
        runs.append(run)

    segments, rules = runs
    assert segments.status == rules.status == Run.Status.SUCCEEDED, (segments.error, rules.error)
    assert segments.subjects == len({row["CustomerID"] for row in retail if row["CustomerID"]})
    assert (
        rules.subjects
        == ModelQuality.objects.get(run=rules).baskets
        == len({r["InvoiceNo"] for r in retail if not r["InvoiceNo"].startswith("C") and r["quantity"] > 0})
    )


# Maven CRM pipeline ---------------------------------------------------------------------------------------------

SECTORS = {
    "technolgy": "technology",
    "software": "technology",
    "telecommunications": "technology",
    "retail": "retail",
    "finance": "finance",
    "medical": "healthcare",
    "entertainment": "media",
    "marketing": "services",
    "services": "services",
    "employment": "services",
}


@pytest.fixture(scope="module")
def pipeline(django_db_setup, django_db_blocker):
    """The 8,800 opportunities as CRM opportunities: each account a customer (blank accounts one more), the list
    price of the product as amount, created on the engage date (Prospecting ones on 2016-10-01), a move into
    Prospecting when created, into Qualification when engaged, and into Won or Lost on the close date."""
    rows = list(csv.DictReader(_source("crm_sales_opportunities/sales_pipeline.csv").open(encoding="utf-8")))
    accounts = {
        row["account"]: row["sector"]
        for row in csv.DictReader(_source("crm_sales_opportunities/accounts.csv").open(encoding="utf-8"))
    }
    prices = {
        row["product"].replace(" ", ""): Decimal(row["sales_price"])
        for row in csv.DictReader(_source("crm_sales_opportunities/products.csv").open(encoding="utf-8"))
    }
    with django_db_blocker.unblock():
        owner = get_user_model().objects.create(username="pipeline.owner")
        stages = {stage.code: stage for stage in Stage.objects.all()}
        customers = {
            name: Customer(name=name or "(no account)", owner=owner, industry=SECTORS.get(accounts.get(name, ""), ""))
            for name in sorted({row["account"] for row in rows})
        }
        Customer.objects.bulk_create(customers.values())
        ids = dict(Customer.objects.filter(owner=owner).values_list("name", "pk"))
        outcome = {"Won": "won", "Lost": "lost", "Engaging": "qualification", "Prospecting": "prospecting"}
        opportunities, moves = [], []
        for row in rows:
            created = _day(row["engage_date"]) or datetime(2016, 10, 1, tzinfo=UTC)
            closed = _day(row["close_date"])
            opportunities.append(
                Opportunity(
                    customer_id=ids[row["account"] or "(no account)"],
                    owner=owner,
                    title=row["opportunity_id"],
                    amount=prices[row["product"].replace(" ", "")],
                    stage=stages[outcome[row["deal_stage"]]],
                    closed_at=closed,
                    created_at=created,
                )
            )
        Opportunity.objects.bulk_create(opportunities, batch_size=2000)
        pks = dict(Opportunity.objects.filter(owner=owner).values_list("title", "pk"))
        for row in rows:
            pk, created, closed = pks[row["opportunity_id"]], _day(row["engage_date"]), _day(row["close_date"])
            moves.append(StageChange(opportunity_id=pk, to_stage=stages["prospecting"], changed_at=created or _START))
            if created:
                moves.append(StageChange(opportunity_id=pk, to_stage=stages["qualification"], changed_at=created))
            if closed:
                moves.append(
                    StageChange(opportunity_id=pk, to_stage=stages[outcome[row["deal_stage"]]], changed_at=closed)
                )
        StageChange.objects.bulk_create(moves, batch_size=5000)
        # bulk_create stamps created_at now (auto_now_add): put back the engage dates
        Opportunity.objects.bulk_update(opportunities_with_dates(owner, rows), ["created_at"], batch_size=2000)
        try:
            yield rows
        finally:
            with transaction.atomic():
                Score.objects.all().delete()
                Run.objects.all().delete()
                StageChange.objects.all().delete()
                Opportunity.all_objects.all().delete()
                Customer.all_objects.filter(owner=owner).delete()
                owner.delete()


_START = datetime(2016, 10, 1, tzinfo=UTC)


def _day(text: str) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


def opportunities_with_dates(owner, rows) -> list[Opportunity]:
    created = {row["opportunity_id"]: _day(row["engage_date"]) or _START for row in rows}
    found = list(Opportunity.objects.filter(owner=owner).only("pk", "title"))
    for opportunity in found:
        opportunity.created_at = created[opportunity.title]
    return found


AS_OF = datetime(2018, 1, 1, tzinfo=UTC)


def test_opportunities_match_the_pipeline_file(pipeline):
    frame = loaders.opportunity_frame(scope(), as_of=AS_OF)

    stages = Counter(row["deal_stage"] for row in pipeline)
    assert len(frame) == 8_800
    assert (frame["outcome"] == "won").sum() == stages["Won"] == 4_238
    assert (frame["outcome"] == "lost").sum() == stages["Lost"] == 2_473
    assert (frame["outcome"] == "open").sum() == stages["Engaging"] + stages["Prospecting"] == 2_089
    # moves into open stages: one for a prospect, two for every engaged deal
    assert Counter(frame["open_moves"]) == {1: stages["Prospecting"], 2: len(pipeline) - stages["Prospecting"]}
    qualification = Stage.objects.get(code="qualification").position
    assert (frame["furthest_stage"] == qualification).sum() == len(pipeline) - stages["Prospecting"]
    won = frame[frame["outcome"] == "won"]
    closes = {row["close_date"] for row in pipeline if row["deal_stage"] == "Won"}
    assert set(won["closed_at"].dt.strftime("%Y-%m-%d")) == closes


def test_an_as_of_time_before_the_close_reopens_the_deal(pipeline):
    frame = loaders.opportunity_frame(scope(), as_of=datetime(2017, 6, 1, tzinfo=UTC))

    closed_by_then = sum(1 for row in pipeline if row["close_date"] and row["close_date"] < "2017-06-01")
    created_by_then = sum(1 for row in pipeline if (row["engage_date"] or "2016-10-01") < "2017-06-01")
    assert len(frame) == created_by_then
    assert (frame["outcome"] != "open").sum() == closed_by_then


def test_win_probability_runs_on_the_pipeline_and_scores_every_open_deal(pipeline):
    run, _ = run_create(kind="win_score", by=None, until=date(2017, 12, 31), time_zone="UTC", enqueue=False)
    run_execute(run_id=run.pk)
    run.refresh_from_db()

    assert run.status == Run.Status.SUCCEEDED, run.error
    assert Score.objects.filter(run=run).count() == 2_089
    quality = ModelQuality.objects.get(run=run)
    assert quality.test_rows == round(6_711 * 0.25) and quality.auc > 0.5
