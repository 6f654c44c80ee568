"""Loading the Maven "CRM Sales Opportunities" folder (sales_teams.csv, accounts.csv, products.csv and
sales_pipeline.csv) as it is: agents and managers as users in their teams, accounts as company customers, the
products, and the deals as opportunities with their stage histories.

- Agents become Sales reps and managers Sales managers (active users with no usable password: an administrator
  gives them one), each manager with a team named after the regional office and the manager ("Central (Dustin
  Brinkmann)"), the manager's agents its members. Role and team changes go through the groups and teams as the
  accounts pages make them, so the audit log records them.
- Accounts become company customers: sector → industry (the file's "technolgy" read as technology), headquarters
  → country, revenue → tier (A from USD 5 billion a year, B from 1 billion), the rest in the notes; "subsidiary
  of" becomes a parent-company relationship. Each is owned by the agent with the most deals on it, and is a
  customer once a deal was won, a prospect before.
- Products get a SKU made of the letters and digits of the name in capitals, so the pipeline's "GTXPro" and
  products.csv's "GTX Pro" are one product (GTXPRO); the series is the category.
- Deals become opportunities (Prospecting, Engaging, Won, Lost → the pipeline's prospecting, qualification, won
  and lost stages, or the first open, second open, won and lost stages where an administrator renamed them), owned
  by their agent, with the close value as amount (the product's price while open) and the history the dates tell:
  created → Engaging at the engage date, → Won or Lost at the close date with the days in between. The 1,425 open
  deals without an account are kept, on one customer "Unknown account", and move to their account when a later
  file names it.

Keys: the agent's or manager's name (ImportedUser), the account name (ImportedCustomer), the SKU, the team name and
the opportunity id (ImportedOpportunity), so a second run of the same folder creates nothing twice. Known records
are updated where the file says otherwise (an opportunity only forward: a later open stage, or closed), otherwise
skipped. Rows that cannot be read are skipped and reported with their file, line number and reason. One
transaction; bulk inserts throughout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from sales.services.imports import ImportReport
from sales.services.sales_pipeline.files import (
    UNKNOWN_ACCOUNT_NAME,
    many,
    product_sku,
    read_accounts,
    read_deals,
    read_products,
    read_teams,
)
from sales.services.sales_pipeline.writing import (
    SOURCE,
    customers_write,
    opportunities_write,
    products_write,
    stages_for_file,
    teams_write,
    users_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

__all__ = ["SOURCE", "UNKNOWN_ACCOUNT_NAME", "product_sku", "sales_pipeline_import"]

KINDS = ("users", "teams", "customers", "relationships", "products", "opportunities", "stage_changes")


def sales_pipeline_import(*, directory: Path, owner: AbstractBaseUser) -> ImportReport:
    """Import the CRM Sales Opportunities folder at `directory` (see the module); accounts without deals and the
    unknown account belong to `owner`. Atomic and idempotent. Raises ValueError for a folder that is not one."""
    report = ImportReport(kinds=KINDS)
    agents = read_teams(directory, report)
    accounts = read_accounts(directory, report)
    products = read_products(directory, report)
    deals = read_deals(directory, report, agents=agents, accounts=accounts, products=products)
    idle = sorted(set(agents) - {deal.agent for deal in deals.values()})
    if idle:
        report.quirks.append(
            f"{many(len(idle), 'sales agent')} have no deals ({', '.join(idle)}): imported as users all the same."
        )
    with transaction.atomic():
        stages_for_file()  # refuse a pipeline without won and lost stages before writing anything
        users = users_write(agents, report)
        teams_write(agents, users, report)
        product_rows = products_write(products, report)
        customers = customers_write(accounts, deals, users, owner, report)
        opportunities_write(deals, users=users, customers=customers, products=product_rows, report=report)
    return report
