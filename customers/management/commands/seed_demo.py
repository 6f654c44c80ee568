import time

from django.core.management.base import BaseCommand, CommandError

from customers.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users, seed_demo
from customers.models import Customer


class Command(BaseCommand):
    help = "Create demo users, teams and realistic customers. Keeps existing data unless --add is given."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000, help="how many customers to create (default 2000)")
        parser.add_argument("--add", action="store_true", help="add customers even if some exist already")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, customers, add, seed, batch_size, **options):
        if customers < 0:
            raise CommandError("--customers must be zero or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if Customer.objects.exists() and not add:
            ensure_demo_users()
            self.stdout.write("Customers exist already; keeping them (use --add to add more).")
        else:
            started = time.monotonic()

            def progress(done: int) -> None:
                if customers >= 50_000 and done % 50_000 < batch_size:
                    rate = done / max(time.monotonic() - started, 1e-9)
                    self.stdout.write(f"  {done:,} customers ({rate:,.0f}/s)")

            result = seed_demo(customers=customers, seed=seed, batch_size=batch_size, progress=progress)
            self.stdout.write(self.style.SUCCESS(
                f"Created {result.customers:,} customers, {result.contacts:,} contacts, "
                f"{result.interactions:,} interactions and {result.relationships:,} relationships "
                f"in {time.monotonic() - started:.1f} s."
            ))
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, role, team in DEMO_USERS:
            self.stdout.write(f"  {username:<15} {role}{f' ({team} team)' if team else ''}")
