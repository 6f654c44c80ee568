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
from sales.demo import opportunities_seed, quotas_seed, tasks_seed


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
            "--force",
            action="store_true",
            help="seed even though the database holds users or customers the demo did not create",
        )

    def handle(self, *args, customers, add, seed, batch_size, force, **options):
        if customers < 0:
            raise CommandError("--customers must be zero or more.")
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
            # The demo's sales: opportunities with stage histories for the customers that have none yet.
            started = time.monotonic()
            opportunities = opportunities_seed(seed=seed)
            self.stdout.write(
                self.style.SUCCESS(f"Created {opportunities:,} opportunities in {time.monotonic() - started:.1f} s.")
            )
            # Their day and month: tasks of every salesperson and the reps' quotas.
            tasks, quotas = tasks_seed(seed=seed), quotas_seed(seed=seed)
            self.stdout.write(self.style.SUCCESS(f"Created {tasks:,} tasks and {quotas:,} quotas."))
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
