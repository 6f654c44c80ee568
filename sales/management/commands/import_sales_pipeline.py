"""manage.py import_sales_pipeline DIR [--owner USERNAME]: the Maven CRM Sales Opportunities folder as users in
teams, company customers, products and opportunities with their stage histories (sales.services.sales_pipeline).
Safe to run again: nothing is created twice."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sales.management.commands.import_online_retail import import_owner
from sales.services.sales_pipeline import sales_pipeline_import


class Command(BaseCommand):
    help = (
        "Import a CRM Sales Opportunities folder (sales_teams.csv, accounts.csv, products.csv, sales_pipeline.csv) "
        "as users and teams, customers, products and opportunities."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--owner",
            help="Username owning the customers no agent has deals with, such as the unknown account "
            "(default: the first administrator).",
        )

    def handle(self, *args, directory: Path, owner: str | None = None, **options):
        if not directory.is_dir():
            raise CommandError(f"No folder at {directory}.")
        user = import_owner(owner)
        started = time.monotonic()
        try:
            report = sales_pipeline_import(directory=directory, owner=user)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.problems():
            self.stdout.write(line)
        self.stdout.write(
            f"Read {report.rows} rows of 4 files in {time.monotonic() - started:.1f} s; owner {user.get_username()}."
        )
        for line in report.summary():
            self.stdout.write(line)
