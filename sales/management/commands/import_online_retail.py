"""manage.py import_online_retail CSV [--owner USERNAME]: the UCI Online Retail file as customers, products and
paid orders (sales.services.online_retail). Safe to run again: nothing is created twice."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import is_administrator
from sales.services.online_retail import online_retail_import


def import_owner(username: str | None) -> AbstractBaseUser:
    """The active user named `username`, or else the first administrator: who owns what an import cannot give to
    anyone else. CommandError when there is none."""
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        return user
    user = next((u for u in users.filter(is_superuser=True)), None) or next(
        (u for u in users if is_administrator(u)), None
    )
    if user is None:
        raise CommandError("No administrator to own the customers: name one with --owner.")
    return user


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
        user = import_owner(owner)
        started = time.monotonic()
        try:
            report = online_retail_import(path=csv, owner=user)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.problems():
            self.stdout.write(line)
        self.stdout.write(
            f"Read {report.rows} lines in {time.monotonic() - started:.1f} s; owner {user.get_username()}."
        )
        for line in report.summary():
            self.stdout.write(line)
