"""Pipeline speed at scale: seeds MariaDB/MySQL with demo customers and their opportunities (about 200,000 for
the default --customers 170000), then requests the board, the opportunity list and an opportunity as a rep, a
manager and an administrator, and prints server time per request (median, p95) and SQL queries per page.

    python bench/pipeline_board.py --customers 170000 --repeat 30

Measured as bench/customer_list.py measures: in-process through Django's test client with DEBUG off.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.customer_list import create_database, verify_second_factor  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=170_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/crm_bench")
    )
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="crm.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_LOG_LEVEL="ERROR",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    if args.database_url.startswith("mysql"):
        create_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from customers.demo import seed_demo
    from customers.models import Customer
    from sales.demo import opportunities_seed

    call_command("migrate", verbosity=0)
    existing = Customer.all_objects.count()
    if existing < args.customers:
        started = time.monotonic()
        seed_demo(customers=args.customers - existing)
        print(f"Seeded {args.customers - existing:,} customers in {time.monotonic() - started:,.0f} s", flush=True)
    started = time.monotonic()
    created = opportunities_seed()
    if created:
        print(f"Seeded {created:,} opportunities in {time.monotonic() - started:,.0f} s", flush=True)
        if connection.vendor == "mysql":
            with connection.cursor() as cursor:
                for table in ("sales_opportunity", "sales_stagechange"):
                    cursor.execute(f"ANALYZE TABLE {table}")
                    cursor.fetchall()
    run_scenarios(args.repeat)
    return 0


def run_scenarios(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sales.models import Opportunity, Stage

    User = get_user_model()
    users = {name: User.objects.get(username=name) for name in ("rep.wang", "manager.north", "admin")}
    print(
        f"{Opportunity.objects.count():,} opportunities, {Opportunity.objects.filter(stage__outcome='open').count():,} open"
    )
    month = timezone.localdate().strftime("%Y-%m")
    sample = Opportunity.objects.filter(owner=users["rep.wang"]).order_by("pk").first()
    scenarios = [
        ("board", "/sales/pipeline/"),
        ("board, one month", f"/sales/pipeline/?close_month={month}"),
        ("list", "/sales/opportunities/"),
        ("list, search", "/sales/opportunities/?q=fleet"),
        ("list, stage", f"/sales/opportunities/?stage={Stage.objects.get(code='proposal').pk}"),
        ("opportunity", f"/sales/opportunities/{sample.pk}/"),
    ]
    print(f"{'user':<15}{'page':<20}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        if user.is_superuser or user.is_staff:
            verify_second_factor(client, user)
        for label, url in scenarios:
            client.get(url)  # warm
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 404), (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
            print(f"{username:<15}{label:<20}{statistics.median(times):>10.1f}{p95:>10.1f}{len(queries):>9}")


if __name__ == "__main__":
    sys.exit(main())
