import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_admin_password,
    demo_admin_unpublish,
    ensure_demo_users,
)
from customers.demo import demo_foreign_data, seed_demo
from customers.models import Customer
from sales.demo import SalesSeedPlan, sales_seed


class Command(BaseCommand):
    help = (
        "Create demo users, teams and realistic customers. Keeps existing data unless --add is given, and "
        "refuses a database holding data it did not create unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000, help="how many customers to create (default 2000)")
        parser.add_argument("--add", action="store_true", help="add customers even if some exist already")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--products", type=int, default=120, help="products in the demo catalogue (default 120, at most 18,000)"
        )
        parser.add_argument(
            "--opportunities",
            type=int,
            default=None,
            help="how many opportunities to add (default: a few for each prospect and customer without any)",
        )
        parser.add_argument(
            "--order-lines", type=int, default=20_000, help="about how many order lines to add (default 20,000)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even though the database holds users or customers the demo did not create",
        )

    def handle(self, *args, customers, add, seed, batch_size, force, products, opportunities, order_lines, **options):
        counts = {
            "customers": customers,
            "products": products,
            "opportunities": opportunities,
            "order-lines": order_lines,
        }
        for name, count in counts.items():
            if count is not None and count < 0:
                raise CommandError(f"--{name} must be zero or more.")
        if products > 18_000:
            raise CommandError("--products: the demo catalogue has 18,000 products at most.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        foreign = demo_foreign_data()
        if foreign and not force:
            raise CommandError(
                f"This database holds data the demo did not create ({', '.join(foreign)}). The demo would add "
                "users with published passwords to it. Use an empty database, or --force if you really mean it."
            )
        new_admin = not get_user_model().objects.filter(username=DEMO_ADMIN).exists()
        admin_password = demo_admin_password()
        if admin_password != DEMO_PASSWORD and demo_admin_unpublish(password=admin_password):
            new_admin = True  # seeded while debugging, now served without: the published password must go
        if Customer.objects.exists() and not add:
            ensure_demo_users(admin_password=admin_password)
            self.stdout.write("Customers exist already; keeping them (use --add to add more).")
        else:
            started = time.monotonic()

            def progress(done: int) -> None:
                if customers >= 50_000 and done % 50_000 < batch_size:
                    rate = done / max(time.monotonic() - started, 1e-9)
                    self.stdout.write(f"  {done:,} customers ({rate:,.0f}/s)")

            result = seed_demo(
                customers=customers, seed=seed, batch_size=batch_size, progress=progress, admin_password=admin_password
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {result.customers:,} customers, {result.contacts:,} contacts, "
                    f"{result.interactions:,} interactions and {result.relationships:,} relationships "
                    f"in {time.monotonic() - started:.1f} s."
                )
            )

            # The demo's sales: the catalogue, opportunities with their stage histories, orders, tasks and quotas
            # (sales/demo).
            reported: dict[str, int] = {}

            def sales_progress(kind: str, done: int) -> None:
                step = 500_000 if kind == "order lines" else 50_000
                if done // step > reported.get(kind, 0):
                    reported[kind] = done // step
                    self.stdout.write(f"  {done:,} {kind} ({time.monotonic() - sales_started:,.0f} s)")

            sales_started = time.monotonic()
            plan = SalesSeedPlan(
                products=products,
                opportunities=opportunities,
                order_lines=order_lines,
                seed=seed,
                progress=sales_progress,
            )
            # The last step is their day and month: tasks of every salesperson and the reps' quotas.
            for kind, created, took in sales_seed(plan):
                self.stdout.write(self.style.SUCCESS(f"Created {created:,} {kind} in {took:.1f} s."))
        if admin_password == DEMO_PASSWORD:
            self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        else:
            self.stdout.write(f"Demo sign-ins (password for all but {DEMO_ADMIN}: {DEMO_PASSWORD}):")
        for username, _first, _last, role, team in DEMO_USERS:
            self.stdout.write(f"  {username:<15} {role}{f' ({team} team)' if team else ''}")
        if admin_password != DEMO_PASSWORD:
            if new_admin:
                self.stdout.write(
                    self.style.WARNING(f"Password of {DEMO_ADMIN}, shown only now (debugging is off): {admin_password}")
                )
            else:
                self.stdout.write(f"{DEMO_ADMIN} keeps the password printed when it was created.")
