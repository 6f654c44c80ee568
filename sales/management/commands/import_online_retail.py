"""manage.py import_online_retail CSV [--owner USERNAME]: the UCI Online Retail file as customers, products and
paid orders (sales.services.online_retail). Safe to run again: nothing is created twice."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import is_administrator
from sales.services.online_retail import online_retail_import


class Command(BaseCommand):
    help = "Import the Online Retail CSV (InvoiceNo,StockCode,...) as customers, products and orders."

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument(
            "--owner", help="Username owning the imported customers (default: the first administrator)."
        )

    def handle(self, *args, csv: Path, owner: str | None = None, **options):
        if not csv.is_file():
            raise CommandError(f"No file at {csv}.")
        users = get_user_model().objects.filter(is_active=True).order_by("pk")
        if owner:
            user = users.filter(username=owner).first()
            if user is None:
                raise CommandError(f"No active user named {owner!r}.")
        else:
            user = next((u for u in users.filter(is_superuser=True)), None) or next(
                (u for u in users if is_administrator(u)), None
            )
            if user is None:
                raise CommandError("No administrator to own the customers: name one with --owner.")
        started = time.monotonic()
        try:
            report = online_retail_import(path=csv, owner=user)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for number, reason in report.bad_rows:
            self.stdout.write(f"line {number}: skipped, {reason}")
        self.stdout.write(
            f"Read {report.rows} lines in {time.monotonic() - started:.1f} s; owner {user.get_username()}."
        )
        for name in ("customers", "products", "orders", "lines"):
            counts = getattr(report, name)
            self.stdout.write(
                f"{name.capitalize()}: {counts.created} created, {counts.updated} updated, {counts.skipped} skipped."
            )
        self.stdout.write(f"Bad lines: {len(report.bad_rows)}.")
