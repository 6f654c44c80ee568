"""Reading the four files of a CRM Sales Opportunities folder into plain rows, each checked: a row that cannot be
read is a bad row (file, line, reason) and left out; what the import reads differently from what the file writes (a
misspelt sector, a product named two ways, deals without an account) is reported as a quirk."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django_countries import countries

from customers.models import Customer
from sales.services.imports import ImportReport

FILES = {
    "teams": ("sales_teams.csv", ["sales_agent", "manager", "regional_office"]),
    "accounts": (
        "accounts.csv",
        ["account", "sector", "year_established", "revenue", "employees", "office_location", "subsidiary_of"],
    ),
    "products": ("products.csv", ["product", "series", "sales_price"]),
    "pipeline": (
        "sales_pipeline.csv",
        [
            "opportunity_id",
            "sales_agent",
            "product",
            "account",
            "deal_stage",
            "engage_date",
            "close_date",
            "close_value",
        ],
    ),
}
# The file's stages, by the code of the stage each becomes (sales/stages.py) and, where an administrator changed the
# stages, by outcome and place among the open ones.
STAGES = {"Prospecting": ("prospecting", "open", 0), "Engaging": ("qualification", "open", 1)}
STAGES |= {"Won": ("won", "won", 0), "Lost": ("lost", "lost", 0)}
SECTORS = {
    "technology": Customer.Industry.TECHNOLOGY,
    "software": Customer.Industry.TECHNOLOGY,
    "telecommunications": Customer.Industry.TECHNOLOGY,
    "medical": Customer.Industry.HEALTHCARE,
    "retail": Customer.Industry.RETAIL,
    "finance": Customer.Industry.FINANCE,
    "entertainment": Customer.Industry.MEDIA,
    "marketing": Customer.Industry.SERVICES,
    "employment": Customer.Industry.SERVICES,
    "services": Customer.Industry.SERVICES,
}
SECTOR_SPELLINGS = {"technolgy": "technology"}
# Headquarters the file writes differently from the standard English country names.
COUNTRY_NAMES = {"United States": "US", "Philipines": "PH", "Korea": "KR"}
COUNTRY_QUIRKS = {"Philipines": "a misspelling of the Philippines (PH)", "Korea": "taken as South Korea (KR)"}
TIER_A_REVENUE, TIER_B_REVENUE = Decimal(5000), Decimal(1000)  # annual revenue, millions of USD
UNKNOWN_ACCOUNT_KEY = ""  # no account name is blank
UNKNOWN_ACCOUNT_NAME = "Unknown account"
LOST_REASON = "Not given in the imported file"


@dataclass
class Agent:
    name: str
    manager: str
    office: str


@dataclass
class Account:
    name: str
    sector: str
    industry: str
    established: int | None
    revenue: Decimal | None
    employees: int | None
    location: str
    country: str
    parent: str
    line: int


@dataclass
class ProductRow:
    sku: str
    name: str
    series: str
    price: Decimal


@dataclass
class Deal:
    key: str
    agent: str
    sku: str
    account: str
    stage: str
    engaged: date | None
    closed: date | None
    value: Decimal | None


def many(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def product_sku(name: str) -> str:
    """The SKU of a product name: its letters and digits in capitals ("GTX Pro" and "GTXPro" → "GTXPRO")."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKD", name).upper())[:64]


def username_for(name: str) -> str:
    """A username from a person's name: "Mei-Mei Johns" → "mei-mei.johns"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return ".".join(re.sub(r"[^a-z0-9-]", "", part) for part in ascii_name.split() if part)[:140] or "agent"


def _rows(directory: Path, kind: str, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    name, columns = FILES[kind]
    path = directory / name
    if not path.is_file():
        raise ValueError(f"No {name} in {directory}: not a CRM Sales Opportunities folder.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [column.strip() for column in next(reader, [])]
        if header != columns:
            raise ValueError(f"{name} is not as expected: the header is {header}, expected {columns}.")
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # a blank line (the files end with one)
            report.rows += 1
            if len(row) != len(columns):
                report.bad(number, f"{len(row)} columns instead of {len(columns)}", name)
                continue
            yield number, {column: cell.strip() for column, cell in zip(columns, row, strict=True)}


def _number(text: str, kind: type = Decimal) -> Decimal | int | None:
    """A number of the file, None when blank; ValueError when it is not one (or negative)."""
    if not text:
        return None
    try:
        value = kind(text)
    except (ValueError, InvalidOperation):
        raise ValueError(f"{text!r} is not a number") from None
    if value < 0 or (isinstance(value, Decimal) and (not value.is_finite() or value >= Decimal("1e12"))):
        raise ValueError(f"{text!r} is negative or out of range")
    return value


def _date(text: str) -> date | None:
    if not text:
        return None
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%m/%d/%Y").date()):  # noqa: DTZ007
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")


def read_teams(directory: Path, report: ImportReport) -> dict[str, Agent]:
    agents: dict[str, Agent] = {}
    for number, row in _rows(directory, "teams", report):
        agent, manager, office = row["sales_agent"], row["manager"], row["regional_office"]
        if not agent or not manager:
            report.bad(number, "no sales agent or manager", FILES["teams"][0])
        elif len(agent) > 150 or len(manager) > 150 or len(office) > 40:
            report.bad(number, "a name longer than a user's name can be", FILES["teams"][0])
        elif agent in agents:
            report.bad(number, f"sales agent {agent!r} is listed twice", FILES["teams"][0])
        else:
            agents[agent] = Agent(agent, manager, office or "Sales")
    return agents


def read_accounts(directory: Path, report: ImportReport) -> dict[str, Account]:
    file = FILES["accounts"][0]
    accounts: dict[str, Account] = {}
    spellings: Counter = Counter()
    places: Counter = Counter()
    unknown_sectors: Counter = Counter()
    for number, row in _rows(directory, "accounts", report):
        name = row["account"]
        if not name:
            report.bad(number, "no account name", file)
            continue
        if len(name) > 64:
            report.bad(number, f"account name {name[:20]!r}… is longer than 64 characters", file)
            continue
        if name.casefold() in accounts:
            report.bad(number, f"account {name!r} is listed twice", file)
            continue
        try:
            established = _number(row["year_established"], int)
            revenue = _number(row["revenue"])
            employees = _number(row["employees"], int)
        except ValueError as exc:
            report.bad(number, f"year, revenue or employees: {exc}", file)
            continue
        sector = row["sector"].lower()
        if sector in SECTOR_SPELLINGS:
            spellings[sector] += 1
        sector = SECTOR_SPELLINGS.get(sector, sector)
        if sector and sector not in SECTORS:
            unknown_sectors[sector] += 1
        location = row["office_location"]
        if location in COUNTRY_QUIRKS:
            places[location] += 1
        country = COUNTRY_NAMES.get(location) or countries.by_name(location) or ""
        if location and not country:
            places[location] += 1
        accounts[name.casefold()] = Account(
            name=name,
            sector=sector,
            industry=SECTORS.get(sector, Customer.Industry.OTHER if sector else ""),
            established=established,
            revenue=revenue,
            employees=employees,
            location=location,
            country=country,
            parent=row["subsidiary_of"],
            line=number,
        )
    for wrong, count in sorted(spellings.items()):
        report.quirks.append(
            f"{file} spells the sector {wrong!r} ({many(count, 'account')}): read as {SECTOR_SPELLINGS[wrong]!r}."
        )
    for sector, count in sorted(unknown_sectors.items()):
        report.quirks.append(
            f"{file}: sector {sector!r} ({many(count, 'account')}) has no industry of its own: read as Other."
        )
    for place, count in sorted(places.items()):
        how = COUNTRY_QUIRKS.get(place, "no country of that name: left without a country")
        report.quirks.append(f"{file}: office location {place!r} ({many(count, 'account')}) is {how}.")
    return accounts


def read_products(directory: Path, report: ImportReport) -> dict[str, ProductRow]:
    file = FILES["products"][0]
    products: dict[str, ProductRow] = {}
    for number, row in _rows(directory, "products", report):
        name, sku = row["product"], product_sku(row["product"])
        if not sku or len(name) > 255:
            report.bad(number, f"product name {name[:40]!r} is blank or too long", file)
            continue
        if sku in products:
            report.bad(number, f"product {name!r} is {products[sku].name!r} again (SKU {sku})", file)
            continue
        try:
            price = _number(row["sales_price"])
        except ValueError as exc:
            report.bad(number, f"sales price {exc}", file)
            continue
        products[sku] = ProductRow(sku, name, row["series"][:100], (price or Decimal(0)).quantize(Decimal("0.01")))
    return products


def read_deals(
    directory: Path,
    report: ImportReport,
    *,
    agents: dict[str, Agent],
    accounts: dict[str, Account],
    products: dict[str, ProductRow],
) -> dict[str, Deal]:
    file = FILES["pipeline"][0]
    deals: dict[str, Deal] = {}
    seen: set[str] = set()
    other_names: Counter = Counter()
    without_account: Counter = Counter()
    for number, row in _rows(directory, "pipeline", report):
        key, agent, stage = row["opportunity_id"], row["sales_agent"], row["deal_stage"]
        product, account = row["product"], row["account"]
        problem = ""
        if not key or len(key) > 64:
            problem = "no opportunity id, or one longer than 64 characters"
        elif key.casefold() in seen:
            problem = f"opportunity {key!r} is listed twice"
        elif agent not in agents:
            problem = f"sales agent {agent!r} is not in {FILES['teams'][0]}"
        elif stage not in STAGES:
            problem = f"deal stage {stage!r} is none of {', '.join(STAGES)}"
        elif product_sku(product) not in products:
            problem = f"product {product!r} is not in {FILES['products'][0]}"
        elif account and account.casefold() not in accounts:
            problem = f"account {account!r} is not in {FILES['accounts'][0]}"
        if problem:
            report.bad(number, problem, file)
            continue
        try:
            engaged, closed = _date(row["engage_date"]), _date(row["close_date"])
            value = _number(row["close_value"])
        except ValueError as exc:
            report.bad(number, f"a date or the close value: {exc}", file)
            continue
        is_closed = STAGES[stage][1] != "open"
        if stage != "Prospecting" and engaged is None:
            problem = f"a deal in {stage} without an engage date"
        elif is_closed and (closed is None or value is None):
            problem = f"a {stage.lower()} deal without a close date or close value"
        elif is_closed and closed < engaged:
            problem = f"closed on {closed} before it was engaged on {engaged}"
        if problem:
            report.bad(number, problem, file)
            continue
        seen.add(key.casefold())
        sku = product_sku(product)
        if product != products[sku].name:
            other_names[(product, sku)] += 1
        if not account:
            without_account[stage] += 1
        deals[key] = Deal(
            key=key,
            agent=agent,
            sku=sku,
            account=accounts[account.casefold()].name if account else UNKNOWN_ACCOUNT_KEY,
            stage=stage,
            engaged=engaged,
            closed=closed if is_closed else None,
            value=value if is_closed else None,
        )
    for (name, sku), count in sorted(other_names.items()):
        report.quirks.append(
            f"{file} names product {name!r} ({many(count, 'deal')}): read as {products[sku].name!r} (SKU {sku})."
        )
    if without_account:
        stages = ", ".join(f"{count} {stage}" for stage, count in sorted(without_account.items()))
        report.quirks.append(
            f"{file}: {many(sum(without_account.values()), 'deal')} have no account ({stages}): kept, on the customer "
            f"{UNKNOWN_ACCOUNT_NAME!r} until a later file names their account."
        )
    return deals


# Writing ------------------------------------------------------------------------------------------------------
