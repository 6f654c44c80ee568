"""manage.py import_sales_pipeline on a small folder: the records it makes, every bad row with its file, line and
reason, and a later file updating what moved on (nothing created twice)."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Team
from customers.models import Customer, Relationship
from sales.models import Opportunity, Product, StageChange

pytestmark = pytest.mark.django_db

TEAMS = """sales_agent,manager,regional_office
Anna Snelling,Dustin Brinkmann,Central
Moses Frase,Dustin Brinkmann,Central
Violet Mclelland,Cara Losch,East
Violet Mclelland,Cara Losch,East
"""
ACCOUNTS = """account,sector,year_established,revenue,employees,office_location,subsidiary_of
Acme Corporation,technolgy,1996,1100.04,2822,United States,
Bluth Company,technolgy,1993,1242.32,3027,United States,Acme Corporation
Hottechi,technolgy,1997,8170.38,16499,Korea,
Bioholding,medical,2012,587.34,1356,Philipines,
Cancity,retail,2001,718.62,2448,United States,Nowhere Inc
Brokenco,retail,nineteen,1,1,United States,
"""
PRODUCTS = """product,series,sales_price
GTX Pro,GTX,4821
MG Special,MG,55
"""
PIPELINE = """opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
A1,Moses Frase,GTXPro,Acme Corporation,Won,2016-10-20,2017-03-01,4514
A2,Anna Snelling,MG Special,Bluth Company,Lost,2016-10-25,2017-03-11,0
A3,Anna Snelling,MG Special,,Engaging,2017-01-02,,
A4,Moses Frase,GTX Pro,,Prospecting,,,
A5,Violet Mclelland,MG Special,Cancity,Engaging,2017-02-01,,
B1,Nobody Known,MG Special,Cancity,Won,2016-10-20,2017-03-01,50
B2,Moses Frase,MG Special,Cancity,Negotiating,2016-10-20,,
B3,Moses Frase,GTX Nano,Cancity,Engaging,2016-10-20,,
B4,Moses Frase,MG Special,Cancity,Won,2016-10-20,2016-09-01,50
B5,Moses Frase,MG Special,Cancity,Won,2016-10-20,,
B6,Moses Frase,MG Special,Cancity,Engaging,20.10.2016,,
A1,Moses Frase,GTXPro,Acme Corporation,Won,2016-10-20,2017-03-01,4514
B7,Moses Frase,MG Special,Brokenco,Engaging,2016-10-20,,
"""


@pytest.fixture
def folder(tmp_path):
    for name, text in (
        ("sales_teams.csv", TEAMS),
        ("accounts.csv", ACCOUNTS),
        ("products.csv", PRODUCTS),
        ("sales_pipeline.csv", PIPELINE),
    ):
        (tmp_path / name).write_text(text.replace("\n", "\r\n"), encoding="utf-8")  # as published: CRLF
    return tmp_path


def _run(folder, *args) -> str:
    out = StringIO()
    call_command("import_sales_pipeline", str(folder), *args, stdout=out)
    return out.getvalue()


def test_import_creates_users_in_teams_customers_products_and_opportunities_with_history(folder, administrator):
    output = _run(folder)

    assert "Users: 5 created, 0 updated, 0 skipped." in output
    assert "Teams: 2 created, 0 updated, 0 skipped." in output
    assert "Customers: 6 created, 0 updated, 0 skipped." in output  # five accounts and the unknown one
    assert "Products: 2 created, 0 updated, 0 skipped." in output
    assert "Opportunities: 5 created, 0 updated, 0 skipped." in output
    moses = get_user_model().objects.get(username="moses.frase")
    assert (moses.first_name, moses.last_name, moses.has_usable_password()) == ("Moses", "Frase", False)
    assert moses.groups.filter(name="Sales rep").exists()
    central = Team.objects.get(name="Central (Dustin Brinkmann)")
    assert central.manager.username == "dustin.brinkmann"
    assert set(central.members.values_list("username", flat=True)) == {"anna.snelling", "moses.frase"}
    acme = Customer.objects.get(name="Acme Corporation")
    assert (acme.kind, acme.industry, acme.country.code, acme.tier) == ("company", "technology", "US", "B")
    assert acme.lifecycle_stage == "customer" and acme.owner == moses
    assert "established 1996" in acme.notes and "2,822 employees" in acme.notes
    assert Customer.objects.get(name="Hottechi").tier == "A"
    assert Customer.objects.get(name="Bioholding").country.code == "PH"
    assert Relationship.objects.get(kind="parent_company").to_customer.name == "Bluth Company"
    # "GTXPro" and "GTX Pro" are one product
    assert list(Product.objects.values_list("sku", "name", "category")) == [
        ("GTXPRO", "GTX Pro", "GTX"),
        ("MGSPECIAL", "MG Special", "MG"),
    ]
    won = Opportunity.objects.get(title="GTX Pro for Acme Corporation")
    assert (won.stage.code, won.amount, won.owner, won.expected_close_date) == (
        "won",
        Decimal("4514.00"),
        moses,
        date(2017, 3, 1),
    )
    history = list(won.stage_changes.values_list("from_stage__code", "to_stage__code", "days_in_previous"))
    assert history == [(None, "qualification", None), ("qualification", "won", Decimal("132.00"))]
    assert timezone.localtime(won.created_at).date() == date(2016, 10, 20)
    assert timezone.localtime(won.closed_at).date() == date(2017, 3, 1)
    lost = Opportunity.objects.get(title="MG Special for Bluth Company")
    assert lost.stage.code == "lost" and lost.lost_reason
    # open deals without an account are kept on one customer, owned by the administrator
    unknown = Customer.objects.get(name="Unknown account")
    assert unknown.owner == administrator
    assert set(unknown.opportunities.values_list("stage__code", flat=True)) == {"qualification", "prospecting"}
    assert unknown.opportunities.get(stage__code="prospecting").amount == Decimal("4821.00")  # the list price


def test_bad_rows_are_reported_with_file_line_and_reason_and_quirks_are_named(folder, administrator):
    output = _run(folder)

    assert "sales_teams.csv line 5: skipped, sales agent 'Violet Mclelland' is listed twice" in output
    assert "accounts.csv line 7: skipped, year, revenue or employees: 'nineteen' is not a number" in output
    assert "sales_pipeline.csv line 7: skipped, sales agent 'Nobody Known' is not in sales_teams.csv" in output
    assert "sales_pipeline.csv line 8: skipped, deal stage 'Negotiating' is none of" in output
    assert "sales_pipeline.csv line 9: skipped, product 'GTX Nano' is not in products.csv" in output
    assert "sales_pipeline.csv line 10: skipped, closed on 2016-09-01 before it was engaged on 2016-10-20" in output
    assert "sales_pipeline.csv line 11: skipped, a won deal without a close date or close value" in output
    assert "sales_pipeline.csv line 12: skipped, a date or the close value: '20.10.2016' is not a date" in output
    assert "sales_pipeline.csv line 13: skipped, opportunity 'A1' is listed twice" in output
    assert "sales_pipeline.csv line 14: skipped, account 'Brokenco' is not in accounts.csv" in output
    assert "Bad lines: 10." in output
    assert "Note: sales_pipeline.csv names product 'GTXPro' (1 deal): read as 'GTX Pro' (SKU GTXPRO)." in output
    assert "Note: accounts.csv spells the sector 'technolgy' (3 accounts): read as 'technology'." in output
    assert "'Philipines' (1 account) is a misspelling of the Philippines (PH)" in output
    assert "2 deals have no account (1 Engaging, 1 Prospecting)" in output
    assert "'Cancity' is a subsidiary of 'Nowhere Inc', which is not an account: no relationship." in output
    assert (
        not Opportunity.objects.filter(title__contains="Cancity").exclude(owner__username="violet.mclelland").exists()
    )


def test_second_run_creates_nothing_twice_and_takes_what_moved_on(folder, administrator):
    _run(folder)
    changes = StageChange.objects.count()
    moved = PIPELINE.replace(
        "A3,Anna Snelling,MG Special,,Engaging,2017-01-02,,",
        "A3,Anna Snelling,MG Special,Cancity,Won,2017-01-02,2017-02-01,60",
    ).replace("A5,Violet Mclelland,MG Special,Cancity,Engaging", "A5,Moses Frase,MG Special,Cancity,Engaging")
    (folder / "sales_pipeline.csv").write_text(moved, encoding="utf-8")
    (folder / "products.csv").write_text(PRODUCTS.replace("4821", "4999"), encoding="utf-8")
    (folder / "sales_teams.csv").write_text(
        TEAMS.replace("Anna Snelling,Dustin Brinkmann,Central", "Anna Snelling,Cara Losch,East"), encoding="utf-8"
    )

    output = _run(folder)

    assert "Users: 0 created, 0 updated, 5 skipped." in output
    assert "Teams: 0 created, 2 updated, 0 skipped." in output
    assert "Products: 0 created, 1 updated, 1 skipped." in output
    assert "Customers: 0 created, 1 updated, 5 skipped." in output  # Cancity has a won deal now
    assert "Opportunities: 0 created, 2 updated, 3 skipped." in output
    assert "Stage changes: 1 created" in output
    assert (Opportunity.objects.count(), Customer.objects.count(), Product.objects.count()) == (5, 6, 2)
    assert StageChange.objects.count() == changes + 1
    # the deal without an account now has one, is won, and says so in its title and history
    a3 = Opportunity.objects.get(title="MG Special for Cancity", owner__username="anna.snelling")
    assert (a3.stage.code, a3.amount, a3.version) == ("won", Decimal("60.00"), 2)
    last = a3.stage_changes.last()
    assert (last.from_stage.code, last.to_stage.code, last.days_in_previous) == (
        "qualification",
        "won",
        Decimal("30.00"),
    )
    assert Customer.objects.get(name="Cancity").lifecycle_stage == "customer"
    assert (
        Opportunity.objects.get(title="MG Special for Cancity", owner__username="moses.frase").stage.code
        == "qualification"
    )
    assert Product.objects.get(sku="GTXPRO").unit_price == Decimal("4999.00")
    # Anna moved to Cara Losch's team and left Dustin Brinkmann's
    assert list(Team.objects.get(name="Central (Dustin Brinkmann)").members.values_list("username", flat=True)) == [
        "moses.frase"
    ]
    assert Team.objects.filter(name="East (Cara Losch)", members__username="anna.snelling").exists()


def test_an_opportunity_moved_on_in_the_crm_is_not_moved_back(folder, administrator):
    _run(folder)
    engaging = Opportunity.objects.get(title="MG Special for Cancity")
    engaging.stage = engaging.stage.__class__.objects.get(code="negotiation")
    engaging.save()

    output = _run(folder)

    assert "Opportunities: 0 created, 0 updated, 5 skipped." in output
    engaging.refresh_from_db()
    assert engaging.stage.code == "negotiation"


def test_a_folder_without_the_files_is_refused(tmp_path, administrator):
    (tmp_path / "sales_teams.csv").write_text(TEAMS, encoding="utf-8")

    with pytest.raises(CommandError, match="No accounts.csv in"):
        _run(tmp_path)
    assert not get_user_model().objects.exclude(pk=administrator.pk).exists()


def test_a_file_with_other_columns_is_refused(folder, administrator):
    (folder / "products.csv").write_text("name,price\nGTX,1\n", encoding="utf-8")

    with pytest.raises(CommandError, match="products.csv is not as expected"):
        _run(folder)
    assert not Opportunity.objects.exists()
