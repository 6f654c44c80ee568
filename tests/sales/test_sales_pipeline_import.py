"""manage.py import_sales_pipeline on the real CRM Sales Opportunities folder: what it creates matches counts taken
directly from the files, its quirks are reported, and a second run duplicates nothing."""

import csv
import os
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import Team
from customers.models import Customer, Relationship
from sales.models import ImportedOpportunity, Opportunity, Product, StageChange

pytestmark = [pytest.mark.real_data, pytest.mark.django_db]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder() -> Path:
    path = Path(os.environ.get("CRM_SHARED_DATA") or REPO.parent / "shared" / "data") / "crm_sales_opportunities"
    if not (path / "sales_pipeline.csv").is_file():
        pytest.skip(f"{path} is not there (set CRM_SHARED_DATA to the datasets folder)")
    return path


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _expected(folder: Path) -> dict:
    teams, accounts = _read(folder, "sales_teams.csv"), _read(folder, "accounts.csv")
    products, deals = _read(folder, "products.csv"), _read(folder, "sales_pipeline.csv")
    closed = [d for d in deals if d["deal_stage"] in ("Won", "Lost")]
    return {
        "users": len({t["sales_agent"] for t in teams} | {t["manager"] for t in teams}),
        "teams": Counter(t["manager"] for t in teams),
        "customers": len(accounts) + any(not d["account"] for d in deals),
        "relationships": sum(1 for a in accounts if a["subsidiary_of"]),
        "products": len({re.sub(r"\W", "", p["product"]).upper() for p in products}),
        "deals": len(deals),
        "stages": Counter(d["deal_stage"] for d in deals),
        "won_value": sum(Decimal(d["close_value"]) for d in deals if d["deal_stage"] == "Won"),
        "without_account": sum(1 for d in deals if not d["account"]),
        "per_agent": Counter(d["sales_agent"] for d in deals),
        "stage_changes": len(deals) + len(closed),
        "days": sum((date.fromisoformat(d["close_date"]) - date.fromisoformat(d["engage_date"])).days for d in closed),
        "gtx_pro": sum(1 for d in deals if d["product"] in ("GTXPro", "GTX Pro")),
    }


def _run(folder: Path) -> str:
    out = StringIO()
    call_command("import_sales_pipeline", str(folder), stdout=out)
    return out.getvalue()


def test_real_folder_imports_as_the_files_count_and_again_without_duplicates(folder, administrator):
    expected = _expected(folder)

    # when
    output = _run(folder)

    # then: every kind of record, counted as the files count it
    assert f"Users: {expected['users']} created, 0 updated, 0 skipped." in output
    assert f"Opportunities: {expected['deals']} created, 0 updated, 0 skipped." in output
    assert "Bad lines: 0." in output
    User = get_user_model()
    imported_users = User.objects.exclude(pk=administrator.pk)
    assert imported_users.count() == expected["users"]
    assert not any(user.has_usable_password() for user in imported_users)
    assert Team.objects.count() == len(expected["teams"])
    for manager, agents in expected["teams"].items():
        team = Team.objects.get(name__endswith=f"({manager})")
        assert team.members.count() == agents
        assert team.manager.groups.filter(name="Sales manager").exists()
    assert Customer.objects.count() == expected["customers"]
    assert Relationship.objects.filter(kind="parent_company").count() == expected["relationships"]
    assert Product.objects.count() == expected["products"]
    assert Opportunity.objects.count() == ImportedOpportunity.objects.count() == expected["deals"]
    stage_codes = {"Prospecting": "prospecting", "Engaging": "qualification", "Won": "won", "Lost": "lost"}
    for stage, count in expected["stages"].items():
        assert Opportunity.objects.filter(stage__code=stage_codes[stage]).count() == count
    won = Opportunity.objects.filter(stage__code="won").aggregate(total=Sum("amount"))["total"]
    assert won == expected["won_value"] == Decimal("10005534")  # SOURCE.txt
    assert Opportunity.objects.filter(customer__name="Unknown account").count() == expected["without_account"]
    assert not Opportunity.objects.filter(customer__name="Unknown account", stage__outcome__in=["won", "lost"]).exists()
    for agent, count in expected["per_agent"].items():
        first, last = agent.rsplit(" ", 1)
        assert Opportunity.objects.filter(owner__first_name=first, owner__last_name=last).count() == count
    assert StageChange.objects.count() == expected["stage_changes"]
    days = StageChange.objects.filter(from_stage__isnull=False).aggregate(days=Sum("days_in_previous"))["days"]
    assert days == expected["days"]
    assert Opportunity.objects.filter(title__startswith="GTX Pro for").count() == expected["gtx_pro"]
    # the quirks, handled and said
    assert "'GTXPro' (1,480 deals): read as 'GTX Pro' (SKU GTXPRO)" in output
    assert "spells the sector 'technolgy' (12 accounts): read as 'technology'" in output
    assert "1,425 deals have no account (1088 Engaging, 337 Prospecting)" in output
    assert Customer.objects.filter(industry="technology").count() >= 12

    # when it runs again
    again = _run(folder)

    # then nothing is created twice
    assert f"Users: 0 created, 0 updated, {expected['users']} skipped." in again
    assert f"Customers: 0 created, 0 updated, {expected['customers']} skipped." in again
    assert f"Products: 0 created, 0 updated, {expected['products']} skipped." in again
    assert f"Opportunities: 0 created, 0 updated, {expected['deals']} skipped." in again
    assert "Stage changes: 0 created" in again
    assert User.objects.count() == expected["users"] + 1
    assert Customer.objects.count() == expected["customers"]
    assert Opportunity.objects.count() == expected["deals"]
    assert StageChange.objects.count() == expected["stage_changes"]
    assert Relationship.objects.count() == expected["relationships"]
